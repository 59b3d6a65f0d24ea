import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConnector, type Connector, operationalLog } from '../../shared/connector';
import { transactionIdFor } from '../../shared/domain/ids';
import { type StandIns, startStandIns } from '../../stand-ins';
import { describeStandIns, writeStandInsFile } from '../../stand-ins/host/joinStandIns';
import { type ConnectorInstance, startConnectorInstance } from '../support/connectorInstances';
import { eventually } from '../support/eventually';
import { changeMessage, QUEUE } from '../support/harness';
import { expectedEvents, type Scenario, scaleOutScenario, seededRandom } from '../support/scaleOutScenario';

// Four connector instances, each a process of its own with its own in-process state (caches, the
// per-instance mailbox limiter, the per-appointment queue), on one session-enabled queue, one Table
// Storage and one Graph sandbox. Per seed: interleaved versions, deletes and redeliveries of the
// same 50 appointments over 10 mailboxes; one instance is killed with SIGKILL mid-run (its session
// locks run out and other instances take the sessions over); then Exchange must show each
// appointment's newest version, with no duplicate event, no change lost, and every row final.

const SEEDS = [1, 2, 3];
const INSTANCES = 4;
/** The session lock: how long a crashed instance's appointments wait before another takes them. */
const LOCK_DURATION_MS = 5_000;
/** Graph answers after this, so that work is under way on every instance when one is killed. */
const GRAPH_LATENCY_MS = 25;
const HOUR = 3_600_000;

let standIns: StandIns;
let standInsFile: string;
let observer: Connector;
let client: ServiceBusClient;
const instances: ConnectorInstance[] = [];

beforeAll(async () => {
  standIns = await startStandIns({ serviceBus: { lockDurationMs: LOCK_DURATION_MS } });
  standInsFile = join(mkdtempSync(join(tmpdir(), 'scale-out-')), 'stand-ins.json');
  writeStandInsFile(standInsFile, describeStandIns(standIns));
  const { endpoints } = standIns;
  observer = buildConnector({
    TableStorageConnection: endpoints.tableConnectionString,
    ServiceBusConnection: endpoints.serviceBusConnectionString,
    APPOINTMENT_QUEUE: QUEUE,
    EXCHANGE_TENANT_ID: standIns.sandbox?.tenant.tenantId,
    EXCHANGE_CLIENT_ID: standIns.sandbox?.tenant.clientId,
    EXCHANGE_CLIENT_SECRET: standIns.sandbox?.tenant.clientSecret,
    EXCHANGE_AUTHORITY_HOST: endpoints.authorityHost,
    GRAPH_ENDPOINT: endpoints.graphEndpoint,
  });
  client = new ServiceBusClient(endpoints.serviceBusConnectionString ?? '');
  const started = await Promise.all(
    Array.from({ length: INSTANCES }, (_, i) => startConnectorInstance(`instance-${i}`, standInsFile)),
  );
  instances.push(...started);
}, 90_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await client?.close();
  await observer?.close();
  await standIns?.stop();
}, 60_000);

function queueStats() {
  const sandbox = standIns.sandbox;
  if (!sandbox || !standIns.serviceBus) throw new Error('stand-ins not started');
  return { queue: standIns.serviceBus.stats(QUEUE), graph: sandbox.graph };
}

/** Messages handled and settled so far (sent, minus what still waits, is locked or was dead-lettered). */
function settledCount(): number {
  const { active, locked, scheduled, deferred, sentTotal, deadLettered } = queueStats().queue;
  return sentTotal - active - locked - scheduled - deferred - deadLettered;
}

async function drained(): Promise<void> {
  await eventually(
    'the queue drained',
    () => {
      const { active, locked, scheduled } = queueStats().queue;
      return active + locked + scheduled === 0;
    },
    60_000,
  );
}

/** Rows still waiting for a replay, of this scenario's appointments. */
async function pendingRows(scenario: Scenario) {
  const pending = await observer.stores.transactions.listPending();
  return pending.filter((entry) => scenario.changes.has(entry.appointmentId));
}

/** Runs the retry pass (as the timer would, an hour on) until nothing transient is left to replay. */
async function replayUntilFinal(scenario: Scenario): Promise<number> {
  const log = operationalLog({ log: () => {}, error: () => {} }, () => []);
  let passes = 0;
  for (; passes < 6; passes++) {
    const pending = await pendingRows(scenario);
    if (pending.every((entry) => entry.code === 'DSEX020')) break;
    await observer.retryPass(log, { now: () => new Date(Date.now() + (passes + 1) * HOUR) }).run();
    await drained();
  }
  return passes;
}

describe('scale-out: many instances, one truth in Exchange', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: Exchange ends at each appointment's newest version after a crash mid-run`, async () => {
      const domain = standIns.sandbox?.tenant.domain ?? '';
      const scenario = scaleOutScenario({ seed, appointments: 50, mailboxes: 10, domain });
      for (const mailbox of scenario.mailboxes)
        queueStats().graph.setMailboxLatency(mailbox, GRAPH_LATENCY_MS);
      const throttledBefore = queueStats().graph.counters.throttled('mailboxConcurrency');
      const settledBefore = settledCount();
      const sender = client.createSender(QUEUE);
      const sends = scenario.sends.map((send) => changeMessage(send.change, send.messageId));
      const half = Math.floor(sends.length / 2);
      await sender.sendMessages(sends.slice(0, half));

      // Mid-run: a third of the messages handled, the rest still to come.
      await eventually('a third handled', () => settledCount() - settledBefore >= sends.length / 3, 60_000);
      const victim = Math.floor(seededRandom(seed)() * instances.length);
      const [crashed] = instances.splice(victim, 1);
      const sessionsHeldAtCrash = queueStats().queue.sessionsLocked;
      crashed?.crash();
      await sender.sendMessages(sends.slice(half));
      await sender.close();
      await drained();
      const passes = await replayUntilFinal(scenario);

      console.log(
        JSON.stringify({
          seed,
          messages: sends.length,
          changes: [...scenario.changes.values()].flat().length,
          crashed: crashed?.name,
          sessionsHeldAtCrash,
          retryPasses: passes,
          sessionErrors: instances.map((i) => (i.output().match(/\] error: session /g) ?? []).length),
          mailboxConcurrency429:
            queueStats().graph.counters.throttled('mailboxConcurrency') - throttledBefore,
        }),
      );
      // Exchange: exactly the newest version's events, one per resource, nothing else.
      const expected = expectedEvents(scenario);
      for (const mailbox of scenario.mailboxes) {
        const subjects = queueStats()
          .graph.events(mailbox)
          .map((event) => event.subject)
          .sort();
        expect(subjects, mailbox).toEqual(expected.get(mailbox));
      }
      // No change lost, every row final: each change has its row, none waits for a replay (DSEX020 is
      // retried by rule, and only stays where the appointment ends deleted and Exchange has nothing).
      // The newest change succeeded; a delete redelivered after a crash may find its events already
      // gone (DSEX021, Skipped): Exchange is as it should be either way, as checked above.
      for (const [appointmentId, versions] of scenario.changes) {
        const newest = versions.at(-1);
        for (const change of versions) {
          const row = await observer.stores.transactions.getTransaction(transactionIdFor(change.changeId));
          const what = `${appointmentId} v${change.version}: ${row?.status} ${row?.code ?? ''}`;
          expect(row, `${change.changeId} of ${appointmentId}`).toBeDefined();
          if (row?.code === 'DSEX020') expect(newest?.operation, what).toBe('delete');
          else expect(row?.nextAttemptAt, what).toBeUndefined();
          const nothingLeftToDelete = row?.code === 'DSEX020' || row?.code === 'DSEX021';
          if (change === newest && !(newest.operation === 'delete' && nothingLeftToDelete))
            expect(row?.status, what).toBe('Success');
        }
      }
      expect(queueStats().queue.deadLettered).toBe(0);
      // The crashed instance is replaced, so the next seed runs with four again.
      instances.push(await startConnectorInstance(`instance-${seed}-replacement`, standInsFile));
    }, 120_000);
  }
});
