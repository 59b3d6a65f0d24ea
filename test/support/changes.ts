import { randomUUID } from 'node:crypto';

export interface ResourceInput {
  readonly id: string;
  readonly name?: string;
  readonly mailbox: string;
  readonly exchangeEnabled?: boolean;
}

/** An appointment upsert as the back office sends it, with sensible defaults and a fresh changeId. */
export function upsert(
  appointmentId: string,
  version: number,
  resources: readonly ResourceInput[],
  overrides: { subject?: string; start?: string; end?: string; changeId?: string; changedAt?: string } = {},
) {
  return {
    kind: 'appointment',
    changeId: overrides.changeId ?? `chg-${randomUUID()}`,
    appointmentId,
    version,
    operation: 'upsert',
    ...(overrides.changedAt ? { changedAt: overrides.changedAt } : {}),
    appointment: {
      subject: overrides.subject ?? `Appointment ${appointmentId} v${version}`,
      start: overrides.start ?? '2026-12-01T10:00:00+01:00',
      end: overrides.end ?? '2026-12-01T11:00:00+01:00',
      timeZone: 'Europe/Amsterdam',
      location: 'Room 4',
      body: 'Annual review',
      isAllDay: false,
      resources: resources.map((r) => ({
        id: r.id,
        name: r.name ?? `Resource ${r.id}`,
        mailbox: r.mailbox,
        exchangeEnabled: r.exchangeEnabled ?? true,
      })),
    },
  };
}

export function remove(appointmentId: string, version: number, changeId = `chg-${randomUUID()}`) {
  return { kind: 'appointment', changeId, appointmentId, version, operation: 'delete' };
}

export function resourceChange(resource: ResourceInput, changedAt: string) {
  return {
    kind: 'resource',
    resource: {
      id: resource.id,
      name: resource.name ?? `Resource ${resource.id}`,
      mailbox: resource.mailbox,
      exchangeEnabled: resource.exchangeEnabled ?? true,
    },
    changedAt,
  };
}
