import type { InvocationContext } from '@azure/functions';
import { connector, operationalLog } from '../shared/connector';
import type { DeadLetter } from '../shared/domain/deadLetterSweeper';
import { isFields, readField } from '../shared/domain/fields';
import { registerFunction } from '../shared/host/functionDefinitions';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Service Bus keeps the dead-letter reason and description as application properties of the
 * message; the host hands them over in the trigger metadata (`applicationProperties`).
 */
export function deadLetterOf(metadata: Readonly<Record<string, unknown>>): DeadLetter {
  const properties = metadata.applicationProperties;
  const read = (key: string) => (isFields(properties) ? text(readField(properties, key)) : '');
  const messageId = text(metadata.messageId);
  return {
    ...(messageId ? { messageId } : {}),
    reason: read('DeadLetterReason') || text(metadata.deadLetterReason),
    description: read('DeadLetterErrorDescription') || text(metadata.deadLetterErrorDescription),
  };
}

/**
 * One message of the queue's dead-letter subqueue → one recorded row, then completed. Throws (so
 * Service Bus redelivers it from the subqueue) only when the row could not be written.
 */
export async function sweepDeadLetters(message: unknown, context: InvocationContext): Promise<void> {
  const instance = connector();
  await instance
    .deadLetterSweeper(operationalLog(context, instance.secrets))
    .sweep(message, deadLetterOf(context.triggerMetadata ?? {}));
}

export const definition = registerFunction({
  name: 'sweepDeadLetters',
  trigger: 'serviceBusQueue',
  options: {
    connection: 'ServiceBusConnection',
    queueName: '%APPOINTMENT_QUEUE%/$DeadLetterQueue',
    handler: sweepDeadLetters,
  },
});
