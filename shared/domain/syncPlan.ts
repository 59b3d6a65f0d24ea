import type { ResourceAssignment } from './changeMessage';
import type { EventMapping, ResourceState } from './ports';

interface CallTarget {
  readonly resource: ResourceAssignment;
  /** The mailbox the call goes to (for a delete after a mailbox change: the old one). */
  readonly mailbox: string;
}

/** One Graph write: a create has no event yet; an update and a delete always name theirs. */
export type PlannedCall =
  | (CallTarget & { readonly action: 'create' })
  | (CallTarget & { readonly action: 'update' | 'delete'; readonly eventId: string });

export interface SyncPlan {
  readonly calls: readonly PlannedCall[];
  /** Assigned resources with Exchange integration off: listed, never written. */
  readonly disabled: readonly ResourceAssignment[];
}

/**
 * The resources as the connector should see them: a resource change newer than the appointment
 * change (or any stored state when the change carries no time) overrides the snapshot's copy.
 */
export function effectiveResources(
  assigned: readonly ResourceAssignment[],
  stored: ReadonlyMap<string, ResourceState>,
  changedAt: Date | undefined,
): ResourceAssignment[] {
  return assigned.map((resource) => {
    const state = stored.get(resource.id);
    if (!state || (changedAt && state.changedAt < changedAt)) return resource;
    return {
      id: resource.id,
      name: state.name,
      mailbox: state.mailbox,
      exchangeEnabled: state.exchangeEnabled,
    };
  });
}

function sameMailbox(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Upsert: create new, update existing, delete the events of removed resources (or of a moved mailbox). */
export function planUpsert(
  resources: readonly ResourceAssignment[],
  mappings: readonly EventMapping[],
): SyncPlan {
  const calls: PlannedCall[] = [];
  const byResource = new Map(mappings.map((m) => [m.resourceId, m]));
  const assignedIds = new Set(resources.map((r) => r.id));
  for (const resource of resources) {
    if (!resource.exchangeEnabled) continue;
    const mapping = byResource.get(resource.id);
    if (mapping && sameMailbox(mapping.mailbox, resource.mailbox)) {
      calls.push({ action: 'update', resource, mailbox: resource.mailbox, eventId: mapping.eventId });
      continue;
    }
    if (mapping)
      calls.push({ action: 'delete', resource, mailbox: mapping.mailbox, eventId: mapping.eventId });
    calls.push({ action: 'create', resource, mailbox: resource.mailbox });
  }
  for (const mapping of mappings) {
    if (assignedIds.has(mapping.resourceId)) continue;
    const removed = {
      id: mapping.resourceId,
      name: mapping.resourceId,
      mailbox: mapping.mailbox,
      exchangeEnabled: true,
    };
    calls.push({ action: 'delete', resource: removed, mailbox: mapping.mailbox, eventId: mapping.eventId });
  }
  return { calls, disabled: resources.filter((r) => !r.exchangeEnabled) };
}

/** Delete: remove every event the connector made for the appointment. */
export function planDelete(mappings: readonly EventMapping[]): SyncPlan {
  return {
    calls: mappings.map((m) => ({
      action: 'delete' as const,
      resource: { id: m.resourceId, name: m.resourceId, mailbox: m.mailbox, exchangeEnabled: true },
      mailbox: m.mailbox,
      eventId: m.eventId,
    })),
    disabled: [],
  };
}
