import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectorTagValue, parseConnectorTag } from '../../shared/domain/connectorTag';

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
});
