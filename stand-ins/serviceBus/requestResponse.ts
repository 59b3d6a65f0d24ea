import type { ManagementResponse } from './management';
import { type AmqpMessage, remoteTargetAddress, type ServerSender, sendMessage } from './rheaAdapter';

/**
 * The reply links of one connection ($cbs and $management), found by the request's `reply_to`:
 * the SDK names its reply link after that address, and for $management also targets it.
 */
export class ReplyRoutes {
  private readonly senders = new Map<string, ServerSender>();

  add(sender: ServerSender): void {
    this.senders.set(sender.name, sender);
    const target = remoteTargetAddress(sender);
    if (target) this.senders.set(target, sender);
  }

  remove(sender: ServerSender): void {
    for (const [address, candidate] of this.senders) {
      if (candidate === sender) this.senders.delete(address);
    }
  }

  reply(request: AmqpMessage, response: Omit<AmqpMessage, 'correlation_id' | 'to'>): void {
    if (request.reply_to === undefined) return;
    const sender = this.senders.get(request.reply_to);
    if (!sender?.is_open()) return;
    sendMessage(sender, { ...response, correlation_id: request.message_id, to: request.reply_to });
  }
}

/** The emulator accepts any token: it only has to answer like Service Bus does. */
export function putTokenAccepted(): AmqpMessage {
  return { application_properties: { 'status-code': 202, 'status-description': 'Accepted' } };
}

export function managementReply(response: ManagementResponse): AmqpMessage {
  return {
    application_properties: {
      statusCode: response.statusCode,
      ...(response.statusDescription ? { statusDescription: response.statusDescription } : {}),
      ...(response.errorCondition ? { errorCondition: response.errorCondition } : {}),
    },
    body: response.body,
  };
}
