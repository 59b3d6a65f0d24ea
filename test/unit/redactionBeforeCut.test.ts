import { describe, expect, it } from 'vitest';
import { appointment, core, room, SECRET } from '../support/coreScenario';

const R1 = room('R1');
/** Enough of the secret to recognise it, wherever a cut fell. */
const SECRET_START = SECRET.slice(0, 4);

describe('redact first, then cut', () => {
  it('a secret straddling the classifier’s cut of an error line is masked, not half-shown', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, () => new Error(`${'e'.repeat(295)}${SECRET} and more`));
    const row = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(row?.code).toBe('DSUNK001');
    expect(row?.message).not.toContain(SECRET_START);
    expect(row?.message).toContain('[redacted]');
    expect(c.log.text()).not.toContain(SECRET_START);
  });

  it('a secret straddling the cut of an invalid message’s raw body or id is masked', async () => {
    const c = core();
    const idPrefix = 'i'.repeat(194);
    const head =
      JSON.stringify({ kind: 'appointment', appointmentId: `${idPrefix}${SECRET}`, pad: '' }).length - 2;
    // Both cuts (200 characters of the id, 8,000 of the body) fall six characters into the secret.
    const body = {
      kind: 'appointment',
      appointmentId: `${idPrefix}${SECRET}`,
      pad: `${'b'.repeat(8_000 - 6 - head)}${SECRET}`,
    };
    const row = await c.processor.process(body);
    expect(row?.code).toBe('DSEX050');
    expect(JSON.stringify(row)).not.toContain(SECRET_START);
    expect(row?.rawBody?.length).toBeLessThanOrEqual(8_000);
    expect(row?.appointmentId.length).toBeLessThanOrEqual(200);
  });

  it('a secret echoed in a validation reason and cut there is masked before the cut marker', async () => {
    const c = core();
    const row = await c.processor.process({
      ...appointment('A-1', 1, [R1]),
      operation: `${'o'.repeat(74)}${SECRET}`,
    });
    expect(row?.code).toBe('DSEX050');
    expect(row?.message).not.toContain(SECRET.slice(0, 5));
  });
});
