import { describe, expect, it } from 'vitest';
import type { BusyBlock } from '../../shared/domain/busyBlock';
import { busyBlockChange, busyBlockMessage } from '../../shared/domain/busyBlockChange';

const block: BusyBlock = {
  eventId: 'AAMk-1',
  start: '2026-12-02T08:00:00.000Z',
  end: '2026-12-02T09:00:00.000Z',
  isAllDay: false,
  showAs: 'busy',
  seriesId: null,
};
const resource = { id: 'R-7', mailbox: 'Room4@contoso.com' };
const now = new Date('2026-12-01T09:12:00Z');

describe('busy block changes', () => {
  it.each([
    ['a new block', undefined, block, 'created'],
    ['the same block again', block, { ...block }, undefined],
    ['new times', block, { ...block, end: '2026-12-02T09:30:00.000Z' }, 'moved'],
    ['busy became out of office', block, { ...block, showAs: 'oof' }, 'moved'],
    ['a subject the rules now share', block, { ...block, subject: 'Board meeting' }, 'moved'],
    ['a subject the rules no longer share', { ...block, subject: 'Board meeting' }, block, 'moved'],
    ['gone, or now excluded', block, undefined, 'deleted'],
    ['never published and still not', undefined, undefined, undefined],
  ] as const)('%s → %s', (_, previous, current, expected) => {
    expect(busyBlockChange(previous, current)).toBe(expected);
  });

  it('a message per event version, with the same id however often delta reports it', () => {
    const first = busyBlockMessage({ resource, previous: undefined, current: block, version: 'ck-1', now });
    expect(first).toMatchObject({
      kind: 'busyBlock',
      detectedAt: '2026-12-01T09:12:00.000Z',
      resource,
      change: 'created',
      block,
    });
    const again = busyBlockMessage({
      resource: { ...resource, mailbox: 'room4@contoso.com' },
      previous: undefined,
      current: block,
      version: 'ck-1',
      now: new Date(),
    });
    expect(again?.changeId).toBe(first?.changeId);
    const moved = busyBlockMessage({
      resource,
      previous: block,
      current: { ...block, start: '2026-12-02T07:00:00.000Z' },
      version: 'ck-2',
      now,
    });
    expect(moved?.change).toBe('moved');
    expect(moved?.changeId).not.toBe(first?.changeId);
    expect(
      busyBlockMessage({ resource, previous: block, current: block, version: 'ck-2', now }),
    ).toBeUndefined();
  });

  it('a deletion names the block and its times, never the details it once carried', () => {
    const detailed = { ...block, subject: 'Board meeting', location: 'Room 4' };
    const message = busyBlockMessage({
      resource,
      previous: detailed,
      current: undefined,
      version: 'ck-3',
      now,
    });
    expect(message?.change).toBe('deleted');
    expect(message?.block).toEqual(block);
  });
});
