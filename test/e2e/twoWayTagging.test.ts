import { describe, expect, it } from 'vitest';
import { CONNECTOR_TAG_PROPERTY_ID, CONNECTOR_WRITE_PROPERTY_ID } from '../../shared/domain/connectorTag';
import { upsert } from '../support/changes';
import { useE2eSuite } from '../support/e2eSuite';

const suite = useE2eSuite();

describe('events the connector writes', () => {
  it('carry its tag (appointment and resource) and the version written, and their changeKey is kept with the mapping in the appointment', async () => {
    const room = suite.mailbox('room');
    const id = suite.appointmentId();
    const first = upsert(id, 1, [{ id: 'R/7', mailbox: room }]);
    await suite.harness.send(first);
    await suite.harness.waitForTransaction(first.changeId);
    const [event] = suite.harness.sandbox.graph.events(room);
    expect(suite.harness.sandbox.graph.extendedProperties(room, event?.id ?? '')).toEqual([
      { id: CONNECTOR_TAG_PROPERTY_ID, value: `${encodeURIComponent(id)}/R%2F7` },
      { id: CONNECTOR_WRITE_PROPERTY_ID, value: '1' },
    ]);
    const [created] = (await suite.harness.connector().stores.appointments.getAppointment(id)).mappings;
    expect(created?.changeKey).toBe(event?.changeKey);

    const second = upsert(id, 2, [{ id: 'R/7', mailbox: room }], { subject: 'Moved by the back office' });
    await suite.harness.send(second);
    await suite.harness.waitForTransaction(second.changeId);
    const [updated] = suite.harness.sandbox.graph.events(room);
    const [mapping] = (await suite.harness.connector().stores.appointments.getAppointment(id)).mappings;
    expect(updated?.changeKey).not.toBe(event?.changeKey);
    expect(mapping?.changeKey).toBe(updated?.changeKey);
    const written = suite.harness.sandbox.graph.extendedProperties(room, updated?.id ?? '');
    expect(written.find((p) => p.id === CONNECTOR_WRITE_PROPERTY_ID)?.value).toBe('2');
  });
});
