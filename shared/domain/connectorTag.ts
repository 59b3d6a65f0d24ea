/**
 * The single-value extended property every event the connector writes carries: the appointment and
 * resource it stands for, so an event is recognised from Exchange alone (and found with `$filter`).
 * The GUID names the connector's own property set; it never changes once issued.
 */
export const CONNECTOR_TAG_PROPERTY_ID =
  'String {7b0c6a52-3d1e-4f8a-9c27-5e4b1d9a6f03} Name ExchangeConnectorTag';

export interface ConnectorTag {
  readonly appointmentId: string;
  readonly resourceId: string;
}

/** `A-1001/R-7`, each id URI-encoded so a slash inside one cannot shift the split. */
export function connectorTagValue(tag: ConnectorTag): string {
  return `${encodeURIComponent(tag.appointmentId)}/${encodeURIComponent(tag.resourceId)}`;
}

export function parseConnectorTag(value: string): ConnectorTag | undefined {
  const parts = value.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  try {
    return { appointmentId: decodeURIComponent(parts[0]), resourceId: decodeURIComponent(parts[1]) };
  } catch {
    return undefined;
  }
}

/** The property as a create or PATCH body carries it. */
export function connectorTagProperty(tag: ConnectorTag): { readonly id: string; readonly value: string } {
  return { id: CONNECTOR_TAG_PROPERTY_ID, value: connectorTagValue(tag) };
}
