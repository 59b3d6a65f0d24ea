import { randomUUID } from 'node:crypto';
import { remove, upsert } from './changes';

/** A small seeded PRNG (mulberry32): the same seed gives the same scenario on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Change = ReturnType<typeof upsert> | ReturnType<typeof remove>;

/** One message to send: a change, under a message id (a repeated id is a duplicate the queue drops). */
export interface Send {
  readonly change: Change;
  readonly messageId: string;
}

export interface Scenario {
  readonly mailboxes: readonly string[];
  /** Every change of every appointment, newest last per appointment. */
  readonly changes: ReadonlyMap<string, readonly Change[]>;
  /** In the order they are sent: interleaved across appointments, some versions swapped, repeats. */
  readonly sends: readonly Send[];
}

interface Shape {
  readonly seed: number;
  readonly appointments: number;
  readonly mailboxes: number;
  readonly domain: string;
}

/**
 * `appointments` appointments over `mailboxes` mailboxes, each with 2–5 versions: v1 an upsert, later
 * ones upserts (1–2 resources) or deletes (never two in a row). Sent interleaved across appointments,
 * with about one in four neighbouring versions swapped (the older then arrives last and must not win),
 * about one in six changes sent again under a new message id (a redelivery the connector processes
 * again) and one in twenty under the same id (a duplicate the queue drops).
 */
export function scaleOutScenario({ seed, appointments, mailboxes, domain }: Shape): Scenario {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const rooms = Array.from({ length: mailboxes }, (_, i) => `s${seed}-room${i}@${domain}`);
  const resourcesOf = () => {
    const first = pick(mailboxes);
    const second = (first + 1 + pick(mailboxes - 1)) % mailboxes;
    const chosen = random() < 0.5 ? [first] : [first, second];
    return chosen.map((i) => ({ id: `R-${i}`, mailbox: rooms[i] ?? '' }));
  };
  const changes = new Map<string, Change[]>();
  const queues: Change[][] = [];
  for (let a = 0; a < appointments; a++) {
    const id = `S${seed}-A${a}`;
    const versions: Change[] = [upsert(id, 1, resourcesOf())];
    const count = 2 + pick(4);
    for (let v = 2; v <= count; v++) {
      const previousDeleted = versions.at(-1)?.operation === 'delete';
      versions.push(!previousDeleted && random() < 0.3 ? remove(id, v) : upsert(id, v, resourcesOf()));
    }
    changes.set(id, versions);
    const order = [...versions];
    for (let i = 1; i + 1 < order.length; i++) {
      if (random() < 0.25) [order[i], order[i + 1]] = [order[i + 1] as Change, order[i] as Change];
    }
    queues.push(order);
  }
  const sends: Send[] = [];
  const pending = queues.filter((q) => q.length > 0);
  while (pending.length > 0) {
    const index = pick(pending.length);
    const queue = pending[index] ?? [];
    const change = queue.shift();
    if (queue.length === 0) pending.splice(index, 1);
    if (!change) continue;
    sends.push({ change, messageId: change.changeId });
    if (random() < 0.05) sends.push({ change, messageId: change.changeId });
    if (random() < 0.16) sends.push({ change, messageId: randomUUID() });
  }
  return { mailboxes: rooms, changes, sends };
}

/** What each appointment's events must be once everything is processed: its newest version. */
export function expectedEvents(scenario: Scenario): Map<string, string[]> {
  const expected = new Map<string, string[]>();
  for (const mailbox of scenario.mailboxes) expected.set(mailbox, []);
  for (const versions of scenario.changes.values()) {
    const newest = versions.at(-1);
    if (!newest || newest.operation === 'delete' || !('appointment' in newest)) continue;
    for (const resource of newest.appointment.resources)
      expected.get(resource.mailbox)?.push(newest.appointment.subject);
  }
  for (const subjects of expected.values()) subjects.sort();
  return expected;
}
