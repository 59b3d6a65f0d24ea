import { describe, expect, it } from 'vitest';
import { parseNotificationMessage, sortNotifications } from '../../shared/domain/graphNotification';
import { readTwoWaySettings } from '../../shared/twoWaySettings';

const SECRET = 'a-client-state-of-24-chars';

describe('two-way settings', () => {
  it('are off without a webhook base URL, and read with their defaults otherwise', () => {
    expect(readTwoWaySettings({})).toEqual({ ok: true, value: undefined });
    expect(
      readTwoWaySettings({
        GRAPH_WEBHOOK_BASE_URL: 'https://func-x.azurewebsites.net/',
        GRAPH_CLIENT_STATE: SECRET,
      }),
    ).toEqual({
      ok: true,
      value: {
        notificationsQueue: 'exchange-notifications',
        backOfficeQueue: 'backoffice-changes',
        webhookBaseUrl: 'https://func-x.azurewebsites.net',
        clientState: SECRET,
        windowDaysBack: 30,
        windowDaysAhead: 365,
        publishDetailChanges: false,
        notificationDelaySeconds: 30,
        privacyDefault: {
          showAs: ['tentative', 'busy', 'oof'],
          sensitivities: ['normal', 'personal', 'private', 'confidential'],
          details: 'none',
        },
      },
    });
  });

  it("read the organisation's privacy rule, the parts left out from the built-in default", () => {
    const read = readTwoWaySettings({
      GRAPH_WEBHOOK_BASE_URL: 'https://func-x.azurewebsites.net',
      GRAPH_CLIENT_STATE: SECRET,
      PRIVACY_DEFAULT_RULE: 'showAs=busy;details=subjectAndLocation',
    });
    expect(read.ok && read.value?.privacyDefault).toEqual({
      showAs: ['busy'],
      sensitivities: ['normal', 'personal', 'private', 'confidential'],
      details: 'subjectAndLocation',
    });
  });

  it.each([
    [{ GRAPH_WEBHOOK_BASE_URL: 'http://func-x.azurewebsites.net' }, 'GRAPH_WEBHOOK_BASE_URL'],
    [{ GRAPH_WEBHOOK_BASE_URL: 'https://func-x.azurewebsites.net/api' }, 'GRAPH_WEBHOOK_BASE_URL'],
    [{ GRAPH_CLIENT_STATE: 'short' }, 'GRAPH_CLIENT_STATE'],
    [{ GRAPH_CLIENT_STATE: '' }, 'GRAPH_CLIENT_STATE'],
    [{ DELTA_WINDOW_DAYS: '30' }, 'DELTA_WINDOW_DAYS'],
    [{ DELTA_WINDOW_DAYS: '0/365' }, 'DELTA_WINDOW_DAYS'],
    [{ PUBLISH_DETAIL_CHANGES: 'yes' }, 'PUBLISH_DETAIL_CHANGES'],
    [{ NOTIFICATION_DELAY_SECONDS: '601' }, 'NOTIFICATION_DELAY_SECONDS'],
    [{ NOTIFICATION_DELAY_SECONDS: '1.5' }, 'NOTIFICATION_DELAY_SECONDS'],
    [{ NOTIFICATION_DELAY_SECONDS: '-1' }, 'NOTIFICATION_DELAY_SECONDS'],
    [{ PRIVACY_DEFAULT_RULE: 'showAs=busy,away' }, 'PRIVACY_DEFAULT_RULE'],
    [{ PRIVACY_DEFAULT_RULE: 'details=everything' }, 'PRIVACY_DEFAULT_RULE'],
  ])('name the setting that is wrong: %j', (overrides, setting) => {
    const read = readTwoWaySettings({
      GRAPH_WEBHOOK_BASE_URL: 'https://func-x.azurewebsites.net',
      GRAPH_CLIENT_STATE: SECRET,
      ...overrides,
    });
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems.map((p) => p.setting)).toEqual([setting]);
  });

  it('accept plain http on loopback only (the local run)', () => {
    const local = readTwoWaySettings({
      GRAPH_WEBHOOK_BASE_URL: 'http://127.0.0.1:7071',
      GRAPH_CLIENT_STATE: SECRET,
    });
    expect(local.ok && local.value?.webhookBaseUrl).toBe('http://127.0.0.1:7071');
  });
});

describe('Graph notification bodies', () => {
  it('sort items into queue messages (one delta per subscription) and clientState rejections, never carrying the clientState on', () => {
    const sorted = sortNotifications(
      {
        value: [
          { subscriptionId: 's-1', clientState: SECRET, changeType: 'updated', resource: 'Users/u/Events/e' },
          { subscriptionId: 's-2', clientState: 'wrong', changeType: 'deleted' },
          { subscriptionId: 's-3', changeType: 'created' },
          { subscriptionId: 's-1', clientState: SECRET, lifecycleEvent: 'missed' },
          { subscriptionId: 's-1', clientState: SECRET, lifecycleEvent: 'somethingNew' },
          { subscriptionId: 's-1', clientState: SECRET, changeType: 'deleted' },
          { subscriptionId: 's-4', clientState: `${SECRET}x`, changeType: 'updated' },
          { subscriptionId: 's-5', clientState: SECRET.slice(1), changeType: 'updated' },
          'not an item',
        ],
      },
      SECRET,
    );
    expect(sorted).toEqual({
      accepted: [
        { kind: 'change', subscriptionId: 's-1', changeType: 'updated' },
        { kind: 'lifecycle', subscriptionId: 's-1', lifecycleEvent: 'missed' },
      ],
      rejected: ['s-2', 's-3', 's-4', 's-5'],
    });
    expect(JSON.stringify(sorted)).not.toContain(SECRET);
  });

  it.each([undefined, {}, { value: 'x' }, []])(
    'refuse a body that is no notification collection: %j',
    (body) => {
      expect(sortNotifications(body, SECRET)).toBeUndefined();
    },
  );

  it('read back every queue message kind, and nothing else', () => {
    for (const message of [
      { kind: 'change', subscriptionId: 's', changeType: 'updated' },
      { kind: 'lifecycle', subscriptionId: 's', lifecycleEvent: 'reauthorizationRequired' },
      { kind: 'watch', mailbox: 'room@x.example' },
      { kind: 'watch', mailbox: 'room@x.example', resourceId: 'R-7' },
      { kind: 'unwatch', mailbox: 'room@x.example' },
    ])
      expect(parseNotificationMessage(message)).toEqual(message);
    for (const other of [
      { kind: 'watch' },
      { kind: 'lifecycle', subscriptionId: 's', lifecycleEvent: 'x' },
      'x',
    ])
      expect(parseNotificationMessage(other)).toBeUndefined();
  });
});
