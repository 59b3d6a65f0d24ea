/** The Exchange app registration's credentials as the connector uses them. */
export interface ExchangeCredentials {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly authorityHost: string;
  readonly graphEndpoint: string;
}

export interface SettingProblem {
  readonly setting: string;
  readonly kind: 'missing' | 'malformed';
  /** Words for an administrator; never contains a secret value. */
  readonly message: string;
}

export type SettingsResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly SettingProblem[] };

/** Problems rendered as one sentence for a transaction message or a log line. */
export function describeProblems(problems: readonly SettingProblem[]): string {
  return problems.map((p) => p.message).join('; ');
}
