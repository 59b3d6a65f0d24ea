import type { Code } from './catalogue';
import { describeProblems, type SettingProblem } from './credentials';
import { DiagnosedFailure } from './failures';

/** The code and message for credential settings that cannot be used (DSEX006, or DSEX004/DSEX003 when malformed). */
export function credentialFailure(problems: readonly SettingProblem[]): DiagnosedFailure {
  const malformed = (setting: string) =>
    problems.some((p) => p.setting === setting && p.kind === 'malformed');
  const missing = problems.some((p) => p.kind === 'missing');
  const code: Code = missing
    ? 'DSEX006'
    : malformed('EXCHANGE_TENANT_ID')
      ? 'DSEX004'
      : malformed('EXCHANGE_CLIENT_ID')
        ? 'DSEX003'
        : 'DSEX006';
  return new DiagnosedFailure(
    code,
    `The Exchange credentials cannot be used: ${describeProblems(problems)}.`,
  );
}
