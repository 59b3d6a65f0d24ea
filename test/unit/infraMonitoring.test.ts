import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { operationalLog } from '../../shared/connector';
import { CATALOGUE } from '../../shared/domain/catalogue';
import { LOG_EVENTS } from '../../shared/domain/logEvents';
import {
  type ArmResource,
  type ArmTemplate,
  compileInfra,
  onlyResource,
  templates,
} from '../support/armTemplate';

/*
 * Azure Monitor for the on-call engineer, as compiled by the real Bicep CLI: log alerts on the
 * structured lines in Application Insights, the dead-letter metric alert, the action group and the
 * workbook; their KQL (infra/modules/queries/*.kql) is in the template and in docs/monitoring.md.
 */

beforeEach(() => {
  expect.hasAssertions();
});

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const { main } = compileInfra();
const templateOf = (module: string): ArmTemplate =>
  templates(main).find((t) => t.module === module)!.template;
const alerts = templateOf('alerts');
const alertResources = alerts.resources as Record<string, ArmResource>;

const queriesFolder = 'infra/modules/queries';
const queryFiles = readdirSync(join(root, queriesFolder)).filter((f) => f.endsWith('.kql'));
const query = (file: string) => read(join(queriesFolder, file));

/** `[variables('x')]` resolved in its template; any other value as it is. */
const resolve = (template: ArmTemplate, value: unknown) => {
  const variable = /^\[variables\('([^']+)'\)\]$/.exec(String(value));
  return variable ? template.variables?.[variable[1]!] : value;
};

/** The parameters the alerts module passes to one logAlert.bicep deployment, variables resolved. */
function logAlert(symbol: string): Record<string, unknown> {
  const parameters = alertResources[symbol]?.properties?.parameters as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(parameters).map(([k, { value }]) => [k, resolve(alerts, value)]));
}

describe('the structured log lines the alerts parse', () => {
  it('are one JSON object per line with the event, code, status and appointment at the top level', () => {
    const lines: string[] = [];
    const log = operationalLog(
      { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) },
      () => [],
    );
    log.info('transaction', { appointmentId: 'a-1', status: 'Failed', code: 'DSEX002' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'info',
      event: 'transaction',
      appointmentId: 'a-1',
      status: 'Failed',
      code: 'DSEX002',
    });
  });

  it('name the events the queries filter on', () => {
    for (const event of Object.values(LOG_EVENTS)) {
      expect(
        queryFiles.some((f) => query(f).includes(`'${event}'`)),
        event,
      ).toBe(true);
    }
  });

  it('are never sampled away by the Functions host', () => {
    const host = JSON.parse(read('host.json')) as {
      logging: { applicationInsights: { samplingSettings: { excludedTypes: string } } };
    };
    expect(host.logging.applicationInsights.samplingSettings.excludedTypes.split(';')).toContain('Trace');
  });
});

describe('alerts', () => {
  it('alert on credential failures, one alert per code, for exactly the credential codes', () => {
    const alert = logAlert('credentialFailures');
    expect(alert.query).toBe(query('credential-failures.kql'));
    const codes = [...new Set(String(alert.query).match(/DS[A-Z]{2,3}\d{3}/g))];
    const credential = CATALOGUE.map((e) => e.code).filter((c) => /^DSEX00[1-6]$/.test(c));
    expect(credential).toHaveLength(6);
    expect(codes.sort()).toEqual(credential);
    expect(alert).toMatchObject({ measureColumn: 'failures', dimension: 'code', severity: 1 });
  });

  it('alert on any undiagnosed failure (DSUNK001)', () => {
    const alert = logAlert('undiagnosedFailures');
    expect(alert.query).toBe(query('undiagnosed-failures.kql'));
    expect(CATALOGUE.find((e) => e.code === 'DSUNK001')?.retry).toBe('undiagnosed');
    expect(alert.query).toContain("tostring(line.code) == 'DSUNK001'");
    expect(alert).toMatchObject({ measureColumn: 'failures', windowSize: 'PT15M' });
  });

  it('alert when no retry pass ran for 30 minutes', () => {
    const alert = logAlert('retryPassMissing');
    expect(alert.query).toBe(query('retry-pass-missing.kql'));
    expect(alert).toMatchObject({ windowSize: 'PT30M', severity: 1 });
    expect(alert.measureColumn).toBeUndefined(); // a returned row fires it
    expect(alert.query).toMatch(/\| where passes == 0\n$/);
  });

  it('alert from 14 days before the credential expires, as the retry pass reports it now', () => {
    const alert = logAlert('secretExpiry');
    expect(alertResources.secretExpiry!.condition).toBeUndefined();
    expect(alert.query).toBe(query('secret-expiry.kql'));
    expect(alert.query).toContain("tostring(line.event) == 'retry pass'");
    expect(alert.query).toContain('toint(line.credentialDaysLeft)');
    expect(alert.query).toContain('| where daysLeft <= 14');
  });

  it('alert on any dead-lettered message of the queue', () => {
    const alert = onlyResource(main, 'Microsoft.Insights/metricAlerts');
    const criteria = alert.properties!.criteria as { allOf: Record<string, unknown>[] };
    expect(criteria.allOf).toEqual([
      expect.objectContaining({
        metricNamespace: 'Microsoft.ServiceBus/namespaces',
        metricName: 'DeadletteredMessages',
        dimensions: [{ name: 'EntityName', operator: 'Include', values: ["[parameters('queueName')]"] }],
        operator: 'GreaterThan',
        threshold: 0,
      }),
    ]);
    expect(alert.properties!.scopes).toEqual([
      "[resourceId('Microsoft.ServiceBus/namespaces', parameters('serviceBusNamespaceName'))]",
    ]);
  });

  it('e-mail the action group, when an address is given, from every alert', () => {
    const group = alertResources.actionGroup!;
    expect(group.condition).toBe("[not(empty(parameters('alertEmailAddress')))]");
    expect((group.properties!.emailReceivers as { emailAddress: string }[])[0]!.emailAddress).toBe(
      "[parameters('alertEmailAddress')]",
    );
    for (const symbol of ['credentialFailures', 'undiagnosedFailures', 'retryPassMissing', 'secretExpiry']) {
      expect(logAlert(symbol).actionGroupIds, symbol).toBe(alerts.variables?.actionGroups);
    }
    expect(alerts.variables?.actionGroups).toBe(
      "[if(empty(parameters('alertEmailAddress')), createArray(), createArray(resourceId('Microsoft.Insights/actionGroups', format('{0}-oncall', parameters('namePrefix')))))]",
    );
  });
});

describe('the workbook and docs/monitoring.md', () => {
  it('the workbook on Application Insights charts failures per code, replays, throughput and manual replays', () => {
    const workbook = onlyResource(main, 'Microsoft.Insights/workbooks');
    expect(workbook.kind).toBe('shared');
    expect(workbook.properties!.serializedData).toBe("[string(variables('content'))]");
    const template = templateOf('workbook');
    const content = JSON.stringify(template.variables?.content);
    for (const file of ['failures-per-code.kql', 'replays.kql', 'throughput.kql', 'manual-replays.kql']) {
      const [variable] = Object.entries(template.variables ?? {}).find(([, v]) => v === query(file)) ?? [];
      expect(variable, file).toBeDefined();
      expect(content).toContain(`variables('${variable}')`);
    }
  });

  it('every query is in docs/monitoring.md, verbatim', () => {
    expect(queryFiles).toHaveLength(8);
    const docs = read('docs/monitoring.md');
    for (const file of queryFiles) expect(docs, file).toContain(`\`\`\`kusto\n${query(file)}\`\`\``);
  });
});
