import { existsSync, readFileSync } from 'node:fs';

/**
 * App settings the way the Functions host assembles them locally: `local.settings.json` Values,
 * overridden by the process environment.
 */
export function readLocalSettings(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const values: Record<string, string> = {};
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
    for (const [name, value] of Object.entries(parsed.Values ?? {})) {
      if (typeof value === 'string' && value !== '') values[name] = value;
    }
  }
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') values[name] = value;
  }
  return values;
}

/**
 * Whether the settings mean a real tenant (then the local run talks to it instead of the sandbox):
 * any Exchange credential setting given at all. An incomplete set is then reported as DSEX006 rather
 * than silently replaced by the demo tenant.
 */
export function namesRealTenant(settings: Readonly<Record<string, string>>): boolean {
  const given = (value: string | undefined) =>
    value !== undefined && value.trim() !== '' && !/^<.*>$/.test(value);
  return ['EXCHANGE_TENANT_ID', 'EXCHANGE_CLIENT_ID', 'EXCHANGE_CLIENT_SECRET'].some((name) =>
    given(settings[name]),
  );
}

/** A connection that should be served by the built-in stand-ins: unset, or an emulator connection string. */
export function wantsLocalStandIn(connection: string | undefined): boolean {
  return !connection || /UseDevelopmentStorage=true|UseDevelopmentEmulator=true/i.test(connection);
}
