import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONNECTOR_TAG_PROPERTY_ID,
  CONNECTOR_WRITE_PROPERTY_ID,
  connectorProperties,
  connectorTagValue,
  parseConnectorTag,
  parseWrittenVersion,
} from '../../shared/domain/connectorTag';

describe('connector tag', () => {
  it('reads back every appointment and resource id it was made from', () => {
    const id = fc.string({ minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(id, id, (appointmentId, resourceId) => {
        expect(parseConnectorTag(connectorTagValue({ appointmentId, resourceId }))).toEqual({
          appointmentId,
          resourceId,
        });
      }),
    );
  });

  it.each(['', 'A-1', 'A-1/', '/R-1', 'A/B/C', 'A-%E0%A4%A/R-1'])('refuses "%s"', (value) => {
    expect(parseConnectorTag(value)).toBeUndefined();
  });

  it('writes the tag and the version, and reads the version back', () => {
    expect(connectorProperties({ appointmentId: 'A/1', resourceId: 'R-7' }, 12)).toEqual([
      { id: CONNECTOR_TAG_PROPERTY_ID, value: 'A%2F1/R-7' },
      { id: CONNECTOR_WRITE_PROPERTY_ID, value: '12' },
    ]);
    expect(parseWrittenVersion('12')).toBe(12);
    for (const value of [undefined, '', '-1', '1.5', '1e3', ' 2', '9'.repeat(16)])
      expect(parseWrittenVersion(value)).toBeUndefined();
  });
});
