import type { SettingDefinition } from './settingDefinitions';

/** The settings of two-way sync (Outlook → back office); part of `SETTINGS`. */
export const TWO_WAY_SETTINGS: readonly SettingDefinition[] = [
  {
    name: 'EXCHANGE_NOTIFICATIONS_QUEUE',
    meaning:
      "Queue of Microsoft Graph's change notifications (the webhook writes, the delta processor reads)",
    defaultValue: 'exchange-notifications',
  },
  {
    name: 'BACKOFFICE_CHANGES_QUEUE',
    meaning: 'Queue of changes made in Outlook, for the back office to read',
    defaultValue: 'backoffice-changes',
  },
  {
    name: 'GRAPH_WEBHOOK_BASE_URL',
    meaning:
      "The Function App's own public https host (e.g. `https://<app>.azurewebsites.net`); Graph posts notifications to `/api/graph/notifications`. Unset: two-way sync is off",
    optional: true,
  },
  {
    name: 'GRAPH_CLIENT_STATE',
    meaning:
      'Secret sent with each subscription and checked on every notification (a Key Vault reference in Azure); required with `GRAPH_WEBHOOK_BASE_URL`',
    optional: true,
    secret: true,
  },
  {
    name: 'DELTA_WINDOW_DAYS',
    meaning: 'Days back and ahead (`back/ahead`) the calendar delta of each mailbox covers',
    defaultValue: '30/365',
  },
  {
    name: 'PUBLISH_DETAIL_CHANGES',
    meaning: 'Whether subject or location changes made in Outlook are published (`true` or `false`)',
    defaultValue: 'false',
  },
  {
    name: 'PRIVACY_DEFAULT_RULE',
    meaning:
      "The organisation's privacy rule for Outlook events the connector did not write: the show-as values and sensitivities published as busy blocks, and whether subject and location go with them (never for private or confidential events); a resource's own `resource.privacy` overrides the parts it sets. See docs/privacy.md",
    defaultValue: 'showAs=busy,oof,tentative;sensitivity=normal,personal,private,confidential;details=none',
  },
  {
    name: 'NOTIFICATION_DELAY_SECONDS',
    meaning:
      "How long a Graph notification waits on the queue before its mailbox's delta runs (0 to 600), so the connector's own write in flight is recorded before its echo is read",
    defaultValue: '30',
  },
];
