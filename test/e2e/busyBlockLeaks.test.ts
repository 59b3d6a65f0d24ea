import { randomUUID } from 'node:crypto';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { definition as errorsApi } from '../../functions/errorsApi';
import { definition as errorsPage } from '../../functions/errorsPage';
import { definition as unalignedEvents } from '../../functions/unalignedEvents';
import { SENSITIVITIES } from '../../shared/domain/privacyRules';
import { readLocalPrincipal } from '../../shared/settings';
import { type RunningHttpFunctions, serveHttpFunctions } from '../../stand-ins/host/httpRunner';
import { blocksOf, januaryDay, wall, watchedRoom } from '../support/busyBlockScenario';
import { eventually } from '../support/eventually';
import { leaksIn } from '../support/secretForms';
import { type TwoWayHarness, useTwoWayHarness } from '../support/twoWayHarness';

const harness = useTwoWayHarness();
let h: TwoWayHarness;
let http: RunningHttpFunctions;
beforeAll(async () => {
  const operator = readLocalPrincipal({});
  const functions = [errorsApi, errorsPage, unalignedEvents];
  http = await serveHttpFunctions(functions, { port: 0, host: '127.0.0.1', signIn: () => operator });
});
afterAll(async () => {
  await http.stop();
});
beforeEach(() => {
  h = harness();
});

/** The Errors page and API as the administrator sees them, the resources' unaligned events included. */
async function everyPage(resourceIds: readonly string[]): Promise<string> {
  const get = async (path: string) => (await fetch(`${http.url}/${http.routePrefix}/${path}`)).text();
  const perResource = resourceIds.flatMap((id) => [
    `errors-page?resourceId=${encodeURIComponent(id)}`,
    `unaligned-events?resourceId=${encodeURIComponent(id)}`,
  ]);
  return (await Promise.all(['errors', 'errors-page', ...perResource].map(get))).join('\n');
}

/** Resource rules, each with what it lets through for a busy event of a sensitivity. */
const RULES = [
  { name: 'the default', privacy: undefined, shares: () => false, publishes: () => true },
  {
    name: 'details for all',
    privacy: { details: 'subjectAndLocation' },
    shares: (s: string) => s === 'normal' || s === 'personal',
    publishes: () => true,
  },
  {
    name: 'normal only, with details',
    privacy: { showAs: ['busy'], sensitivity: ['normal'], details: 'subjectAndLocation' },
    shares: (s: string) => s === 'normal',
    publishes: (s: string) => s === 'normal',
  },
] as const;

interface Planted {
  readonly eventId: string;
  readonly resourceId: string;
  readonly sensitivity: string;
  readonly showAs: string;
  readonly rule: (typeof RULES)[number];
  readonly subject: string;
  readonly location: string;
  readonly body: string;
  readonly attendee: string;
}

async function plant(rule: (typeof RULES)[number]): Promise<Planted[]> {
  const { room, resourceId } = await watchedRoom(h, rule.privacy);
  return SENSITIVITIES.flatMap((sensitivity) =>
    ['busy', 'free'].map((showAs, index) => {
      // Each detail starts with its own random part: a check of a cut echo reads the first ten characters.
      const fields = {
        subject: `${randomUUID()} subject`,
        location: `${randomUUID()} room`,
        body: `${randomUUID()} body`,
        attendees: [`${randomUUID()}@example.org`],
      };
      const eventId = h.sandbox.graph.createInOutlook(room, {
        ...fields,
        showAs,
        sensitivity,
        start: wall(januaryDay(10 + index), '09:00', 'W. Europe Standard Time'),
        end: wall(januaryDay(10 + index), '10:00', 'W. Europe Standard Time'),
      });
      const attendee = fields.attendees[0] as string;
      return { eventId, resourceId, sensitivity, showAs, rule, ...fields, attendee };
    }),
  );
}

async function everyRow(): Promise<string> {
  const connection = h.settings.TableStorageConnection ?? '';
  const options = { allowInsecureConnection: true };
  const service = TableServiceClient.fromConnectionString(connection, options);
  const texts: string[] = [];
  for await (const table of service.listTables()) {
    const client = TableClient.fromConnectionString(connection, table.name ?? '', options);
    for await (const entity of client.listEntities()) texts.push(JSON.stringify(entity));
  }
  return texts.join('\n');
}

describe('busy blocks: nothing leaks by accident', () => {
  it('for every sensitivity × rule, no detail of an excluded or private event is published, and none is in a row, a log line or a page', async () => {
    const planted = (await Promise.all(RULES.map(plant))).flat();
    const expected = planted.filter((p) => p.showAs === 'busy' && p.rule.publishes(p.sensitivity));
    await h.settle();
    await eventually(
      'a block for every event the rules publish',
      () => expected.every((p) => blocksOf(h, p.eventId).length > 0),
      20_000,
    );
    await h.runPeriodicDelta();
    const messages = JSON.stringify(h.busyBlocks);
    const rows = await everyRow();
    const logs = h.logs.join('\n');
    const pages = await everyPage([...new Set(planted.map((p) => p.resourceId))]);
    for (const p of planted) {
      const blocks = blocksOf(h, p.eventId);
      const published = p.showAs === 'busy' && p.rule.publishes(p.sensitivity);
      expect(blocks.length > 0, `${p.rule.name}, ${p.sensitivity}, ${p.showAs}`).toBe(published);
      const shared = published && p.rule.shares(p.sensitivity);
      // A positive control: what the rules share does arrive, so the checks below can fail.
      if (shared) expect(blocks[0]?.block).toMatchObject({ subject: p.subject, location: p.location });
      const neverPublished = [p.body, p.attendee, ...(shared ? [] : [p.subject, p.location])];
      for (const detail of neverPublished) expect(leaksIn(messages, detail), detail).toEqual([]);
      for (const detail of [p.subject, p.location, p.body, p.attendee]) {
        expect(leaksIn(rows, detail), `row: ${detail}`).toEqual([]);
        expect(leaksIn(logs, detail), `log: ${detail}`).toEqual([]);
        expect(leaksIn(pages, detail), `page: ${detail}`).toEqual([]);
      }
    }
    expect(rows.length).toBeGreaterThan(0);
    expect(pages).toContain('Unaligned events');
  });
});
