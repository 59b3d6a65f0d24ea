import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ServiceBusClient } from '@azure/service-bus';
import { sessionIdForBody } from '../shared/domain/sessionIds';
import { readBackOffice } from './backOfficeQueue';
import { readLocalEndpoints } from './localEndpoints';
import { moveInOutlook } from './outlookMove';

const USAGE =
  'usage: npm run send -- <file.json | folder> … | --read-backoffice | --move-in-outlook <mailbox>';

/**
 * `npm run send -- <file.json | folder> …`: puts change messages on the local run's queue;
 * `--read-backoffice` reads what the connector published for the back office; `--move-in-outlook`
 * moves an event as its resource would in Outlook (demo tenant).
 */
function changesIn(path: string): unknown[] {
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .flatMap((file) => changesIn(join(path, file)));
  }
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  return Array.isArray(parsed) ? parsed : [parsed];
}

async function main(): Promise<void> {
  const paths = process.argv.slice(2);
  if (paths.length === 0) throw new Error(USAGE);
  const endpoints = readLocalEndpoints();
  if (paths[0] === '--read-backoffice') return readBackOffice(endpoints);
  if (paths[0] === '--move-in-outlook') {
    if (!paths[1]) throw new Error(USAGE);
    return moveInOutlook(endpoints, paths[1]);
  }
  const changes = paths.flatMap((path) => changesIn(resolve(path)));
  const client = new ServiceBusClient(endpoints.serviceBusConnectionString);
  const sender = client.createSender(endpoints.queueName);
  try {
    await sender.sendMessages(
      changes.map((body) => {
        const changeId =
          typeof body === 'object' && body !== null && 'changeId' in body ? String(body.changeId) : undefined;
        const messageId = changeId ?? randomUUID();
        // The queue requires sessions: one per appointment (or resource), as the back office sets it.
        return {
          body,
          contentType: 'application/json',
          messageId,
          sessionId: sessionIdForBody(body) ?? messageId,
        };
      }),
    );
    console.log(
      `Sent ${changes.length} change message${changes.length === 1 ? '' : 's'} to ${endpoints.queueName}.`,
    );
  } finally {
    await sender.close();
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
