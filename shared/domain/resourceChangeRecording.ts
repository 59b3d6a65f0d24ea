import type { ResourceChange } from './changeMessage';
import { DiagnosedFailure } from './failures';
import { transactionIdFor } from './ids';
import { tellInterest, type WatchMailboxes } from './mailboxInterest';
import type { OperationalLog, ResourceStore, TransactionStore } from './ports';
import { failedWith } from './syncResult';
import type { ResourceOutcome, TransactionRecord } from './transaction';
import type { TransactionRecorder } from './transactionRecorder';

export interface ResourceRecordingDependencies {
  readonly transactions: TransactionStore;
  readonly resources: ResourceStore;
  readonly recorder: TransactionRecorder;
  readonly log: OperationalLog;
  readonly watchMailboxes?: WatchMailboxes;
}

/** A resource change: its newest state kept (the retry pass replays what waited on it), one row. */
export async function recordResourceChange(
  deps: ResourceRecordingDependencies,
  change: ResourceChange,
  started: number,
): Promise<TransactionRecord> {
  const transactionId = transactionIdFor(change.changeId);
  const previous = await deps.transactions.getTransaction(transactionId);
  const { resource } = change;
  const saved = await deps.resources.saveResourceIfNewer({
    ...resource,
    changedAt: new Date(change.changedAt),
    ...(change.privacy ? { privacy: change.privacy } : {}),
  });
  const base = {
    transactionId,
    changeId: change.changeId,
    appointmentId: '',
    operation: 'resource' as const,
  };
  if (!saved) {
    const stale = new DiagnosedFailure(
      'DSEX022',
      `A newer state of resource ${resource.id} was already received; this one was not saved.`,
    );
    return deps.recorder.record(base, previous, failedWith(stale), started);
  }
  const summary: ResourceOutcome = {
    resourceId: resource.id,
    name: resource.name,
    mailbox: resource.mailbox,
    action: 'none',
    status: 'Success',
    message: `Resource state saved: Exchange integration ${resource.exchangeEnabled ? 'on' : 'off'}, mailbox ${resource.mailbox}.`,
  };
  const record = await deps.recorder.record(
    base,
    previous,
    { resources: [summary], retryAfterMs: 0 },
    started,
  );
  const interest = {
    mailbox: resource.mailbox,
    resourceId: resource.id,
    watch: resource.exchangeEnabled,
    cause: 'resource change',
  } as const;
  await tellInterest(deps.watchMailboxes, deps.log, [interest]);
  return record;
}
