import { createHash } from 'node:crypto';
import type { BusyBlock } from './busyBlock';
import { detailsHash } from './deltaItem';

export type BusyBlockChangeKind = 'created' | 'moved' | 'deleted';

/** A message on BACKOFFICE_CHANGES_QUEUE about an event the connector did not write (DESIGN.md). */
export interface BusyBlockMessage {
  readonly kind: 'busyBlock';
  readonly changeId: string;
  readonly detectedAt: string;
  readonly resource: { readonly id: string; readonly mailbox: string };
  readonly change: BusyBlockChangeKind;
  readonly block: BusyBlock;
}

/**
 * What the connector keeps of a block it published (with the event it observed): the block without
 * its subject and location, a hash of them in their place, so a row never holds the text.
 */
export type RememberedBlock = Omit<BusyBlock, 'subject' | 'location'> & { readonly details?: string };

export function rememberedBlock(block: BusyBlock): RememberedBlock {
  const { subject, location, ...times } = block;
  if (subject === undefined && location === undefined) return times;
  return { ...times, details: detailsHash(subject, location) };
}

/**
 * What the back office must hear of a foreign event: `previous` is the block last published for it
 * (undefined when none was), `current` the block the rules allow now (undefined when the event is
 * gone or the rules exclude it). A block the back office never saw is never deleted; one it saw is
 * deleted when the rules come to exclude it.
 */
export function busyBlockChange(
  previous: RememberedBlock | undefined,
  current: BusyBlock | undefined,
): BusyBlockChangeKind | undefined {
  if (current === undefined) return previous === undefined ? undefined : 'deleted';
  if (previous === undefined) return 'created';
  const now = rememberedBlock(current);
  const same = (Object.keys(now) as (keyof RememberedBlock)[]).every((key) => previous[key] === now[key]);
  return same && Object.keys(previous).length === Object.keys(now).length ? undefined : 'moved';
}

/** A deletion says which block went, never what it was (the rules may have changed since). */
function withoutDetails(block: RememberedBlock | undefined): BusyBlock | undefined {
  if (block === undefined) return undefined;
  const { details: _details, ...times } = block as RememberedBlock & Partial<BusyBlock>;
  const { subject: _subject, location: _location, ...bare } = times;
  return bare;
}

export interface BusyBlockMessageInput {
  readonly resource: { readonly id: string; readonly mailbox: string };
  readonly previous: RememberedBlock | undefined;
  readonly current: BusyBlock | undefined;
  /** The event version (its changeKey; for a deletion the last one known): one message per version. */
  readonly version: string;
  readonly now: Date;
}

/** The message to publish, if any, with an id that is the same however often delta reports the version. */
export function busyBlockMessage(input: BusyBlockMessageInput): BusyBlockMessage | undefined {
  const change = busyBlockChange(input.previous, input.current);
  if (change === undefined) return undefined;
  const block = input.current ?? withoutDetails(input.previous);
  if (block === undefined) return undefined;
  const hex = createHash('sha256')
    .update(
      ['busy', input.resource.mailbox.toLowerCase(), block.eventId, input.version, change].join('\u0000'),
    )
    .digest('hex');
  return {
    kind: 'busyBlock',
    changeId: `busy-${hex.slice(0, 32)}`,
    detectedAt: input.now.toISOString(),
    resource: input.resource,
    change,
    block,
  };
}
