import { CONNECTOR_TAG_PROPERTY_ID } from '../shared/domain/connectorTag';
import type { LocalEndpoints } from './localEndpoints';

interface GraphEvent {
  id: string;
  subject: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
}

async function graphJson(url: string, token: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status}`);
  return response.json();
}

const later = (value: { dateTime: string }) =>
  new Date(Date.parse(`${value.dateTime.replace(/Z$/, '')}Z`) + 3_600_000).toISOString().replace('Z', '');

/**
 * `--move-in-outlook <mailbox>`: what a resource does in Outlook, in the demo tenant: moves the first
 * event the connector wrote to that mailbox one hour later, through Graph, not through the connector.
 */
export async function moveInOutlook(endpoints: LocalEndpoints, mailbox: string): Promise<void> {
  const demo = endpoints.demoTenant;
  if (!demo) throw new Error('--move-in-outlook works with the demo tenant of npm start only');
  const tokenAnswer = (await (
    await fetch(`${demo.authorityHost}/${demo.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: demo.clientId,
        client_secret: demo.clientSecret,
        scope: `${demo.graphEndpoint}/.default`,
      }),
    })
  ).json()) as { access_token: string };
  const token = tokenAnswer.access_token;
  const events = `${demo.graphEndpoint}/v1.0/users/${encodeURIComponent(mailbox)}/events`;
  const filter = `singleValueExtendedProperties/any(ep: ep/id eq '${CONNECTOR_TAG_PROPERTY_ID}')`;
  const listed = (await graphJson(`${events}?$filter=${encodeURIComponent(filter)}`, token)) as {
    value: GraphEvent[];
  };
  const [event] = listed.value;
  if (!event) throw new Error(`No event of the connector in ${mailbox}: send the samples first`);
  const start = { dateTime: later(event.start), timeZone: 'UTC' };
  const end = { dateTime: later(event.end), timeZone: 'UTC' };
  await graphJson(`${events}/${encodeURIComponent(event.id)}`, token, {
    method: 'PATCH',
    body: JSON.stringify({ start, end }),
  });
  console.log(
    `Moved "${event.subject}" in ${mailbox} to ${start.dateTime}Z, as the resource would in Outlook.`,
  );
}
