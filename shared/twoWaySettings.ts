import type { SettingProblem, SettingsResult } from './domain/credentials';
import {
  DEFAULT_PRIVACY_RULE,
  type PrivacyRule,
  PrivacyRuleError,
  parsePrivacyRule,
} from './domain/privacyRules';
import { SETTINGS } from './settingDefinitions';
import type { Environment } from './settings';

/** Two-way sync as configured; `undefined` from `readTwoWaySettings` means it is off. */
export interface TwoWaySettings {
  readonly notificationsQueue: string;
  readonly backOfficeQueue: string;
  /** Without a trailing slash. */
  readonly webhookBaseUrl: string;
  readonly clientState: string;
  readonly windowDaysBack: number;
  readonly windowDaysAhead: number;
  readonly publishDetailChanges: boolean;
  /** How long the webhook schedules each notification ahead (0: at once). */
  readonly notificationDelaySeconds: number;
  /** PRIVACY_DEFAULT_RULE: what the back office sees of foreign events unless a resource says otherwise. */
  readonly privacyDefault: PrivacyRule;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function value(env: Environment, name: string): string | undefined {
  const given = env[name]?.trim();
  return given || SETTINGS.find((s) => s.name === name)?.defaultValue;
}

function window(env: Environment, problems: SettingProblem[]): { back: number; ahead: number } {
  const text = value(env, 'DELTA_WINDOW_DAYS') ?? '';
  const [back, ahead] = text.split('/').map(Number);
  const valid = (days: number | undefined) =>
    days !== undefined && Number.isInteger(days) && days >= 1 && days <= 730;
  if (!valid(back) || !valid(ahead) || text.split('/').length !== 2)
    problems.push({
      setting: 'DELTA_WINDOW_DAYS',
      kind: 'malformed',
      message: `DELTA_WINDOW_DAYS must be days back and ahead from 1 to 730 each, e.g. 30/365, not "${text}"`,
    });
  return { back: back ?? 0, ahead: ahead ?? 0 };
}

function notificationDelay(env: Environment, problems: SettingProblem[]): number {
  const text = value(env, 'NOTIFICATION_DELAY_SECONDS') ?? '';
  const seconds = Number(text);
  if (/^\d+$/.test(text) && seconds <= 600) return seconds;
  problems.push({
    setting: 'NOTIFICATION_DELAY_SECONDS',
    kind: 'malformed',
    message: `NOTIFICATION_DELAY_SECONDS must be whole seconds from 0 to 600, not "${text}"`,
  });
  return 0;
}

function privacyDefault(env: Environment, problems: SettingProblem[]): PrivacyRule {
  const text = value(env, 'PRIVACY_DEFAULT_RULE') ?? '';
  try {
    return parsePrivacyRule(text, DEFAULT_PRIVACY_RULE);
  } catch (error) {
    if (!(error instanceof PrivacyRuleError)) throw error;
    problems.push({
      setting: 'PRIVACY_DEFAULT_RULE',
      kind: 'malformed',
      message: `PRIVACY_DEFAULT_RULE must read like showAs=busy,oof;sensitivity=normal,private;details=none: ${error.message}`,
    });
    return DEFAULT_PRIVACY_RULE;
  }
}

/** https, or http on loopback (the local run); no path, query or fragment. */
function webhookProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `GRAPH_WEBHOOK_BASE_URL must be an https URL such as https://<app>.azurewebsites.net, not "${text}"`;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure)
    return `GRAPH_WEBHOOK_BASE_URL must be https (Microsoft Graph posts only to https), not "${text}"`;
  if (url.pathname !== '/' || url.search || url.hash)
    return `GRAPH_WEBHOOK_BASE_URL must be the host only, without a path, not "${text}"`;
  return undefined;
}

/** The queues are read on their own: the triggers bind to them whether or not two-way sync is on. */
export function readTwoWaySettings(
  env: Environment = process.env,
): SettingsResult<TwoWaySettings | undefined> {
  const base = env.GRAPH_WEBHOOK_BASE_URL?.trim();
  if (!base) return { ok: true, value: undefined };
  const problems: SettingProblem[] = [];
  const malformed = webhookProblem(base);
  if (malformed) problems.push({ setting: 'GRAPH_WEBHOOK_BASE_URL', kind: 'malformed', message: malformed });
  const clientState = env.GRAPH_CLIENT_STATE?.trim() ?? '';
  if (clientState.length < 16)
    problems.push({
      setting: 'GRAPH_CLIENT_STATE',
      kind: clientState ? 'malformed' : 'missing',
      message:
        'GRAPH_CLIENT_STATE (the secret checked on every notification) must be set, at least 16 characters',
    });
  const { back: windowDaysBack, ahead: windowDaysAhead } = window(env, problems);
  const publish = value(env, 'PUBLISH_DETAIL_CHANGES')?.toLowerCase();
  if (publish !== 'true' && publish !== 'false')
    problems.push({
      setting: 'PUBLISH_DETAIL_CHANGES',
      kind: 'malformed',
      message: `PUBLISH_DETAIL_CHANGES must be true or false, not "${publish}"`,
    });
  const notificationDelaySeconds = notificationDelay(env, problems);
  const privacy = privacyDefault(env, problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      notificationsQueue: value(env, 'EXCHANGE_NOTIFICATIONS_QUEUE') ?? '',
      backOfficeQueue: value(env, 'BACKOFFICE_CHANGES_QUEUE') ?? '',
      webhookBaseUrl: base.replace(/\/+$/, ''),
      clientState,
      windowDaysBack,
      windowDaysAhead,
      publishDetailChanges: publish === 'true',
      notificationDelaySeconds,
      privacyDefault: privacy,
    },
  };
}
