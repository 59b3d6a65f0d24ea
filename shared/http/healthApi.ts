import type { HttpResponseInit } from '@azure/functions';
import { type Connector, connector } from '../connector';
import { transactionIdFor } from '../domain/ids';
import { type HealthProbes, runHealthChecks } from './healthChecks';
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

/** `GET health`: 200 healthy or degraded, 503 unhealthy. */
export async function healthApi(): Promise<HttpResponseInit> {
  const instance = connector();
  const report = await runHealthChecks(connectorProbes(instance));
  return jsonResponse(report.status === 'unhealthy' ? 503 : 200, report, instance.secrets());
}
