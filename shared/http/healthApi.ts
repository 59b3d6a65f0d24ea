import type { HttpResponseInit } from '@azure/functions';
import { type Connector, connector } from '../connector';
import { transactionIdFor } from '../domain/ids';
import { type HealthProbes, type HealthReport, runHealthChecks } from './healthChecks';
import { jsonResponse } from './responses';

/** The connector's own clients, used the cheapest way each allows. */
function connectorProbes(instance: Connector): HealthProbes {
  return {
    // A point read of a row that never exists: one request, no scan.
    readTable: () => instance.stores.transactions.getTransaction(transactionIdFor('health check')),
    async peekQueue(signal) {
      const receiver = instance.serviceBus.createReceiver(instance.settings.appointmentQueue);
      try {
        await receiver.peekMessages(1, { abortSignal: signal });
      } finally {
        await receiver.close();
      }
    },
    acquireToken: (credentials) => instance.tokens.acquireToken(credentials),
    readCredentials: () => instance.credentials(),
    readCredentialExpiry: () => instance.credentialExpiry(),
    now: () => new Date(),
  };
}

const statusCode = (report: HealthReport) => (report.status === 'unhealthy' ? 503 : 200);

/** `GET health`: 200 healthy or degraded, 503 unhealthy, with every check's finding. */
export async function healthApi(): Promise<HttpResponseInit> {
  const instance = connector();
  const report = await runHealthChecks(connectorProbes(instance));
  return jsonResponse(statusCode(report), report, instance.secrets());
}

/**
 * `GET health/probe`: the one route open without sign-in, for availability tests and load balancers.
 * The same checks, but only the overall status: no client id, setting or message for an anonymous caller.
 */
export async function healthProbe(): Promise<HttpResponseInit> {
  const report = await runHealthChecks(connectorProbes(connector()));
  return jsonResponse(statusCode(report), { status: report.status }, []);
}
