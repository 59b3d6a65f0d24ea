import type { DiagnosedFailure } from './failures';
import type { OperationalLog } from './ports';

/** DSUNK001 keeps only the first line on the row; the log gets the whole stack for the maintainers. */
export function logIfUndiagnosed(
  log: OperationalLog,
  failure: DiagnosedFailure,
  appointmentId: string,
): void {
  if (failure.code !== 'DSUNK001') return;
  log.error('undiagnosed failure', { appointmentId, message: failure.message, stack: failure.stack ?? '' });
}
