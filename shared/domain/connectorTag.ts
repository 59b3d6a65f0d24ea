/**
 * The single-value extended property every event the connector writes carries: the appointment and
 * resource it stands for, so an event is recognised from Exchange alone (and found with `$filter`).
 * The GUID names the connector's own property set; it never changes once issued.
 */
export const CONNECTOR_TAG_PROPERTY_ID =
  'String {7b0c6a52-3d1e-4f8a-9c27-5e4b1d9a6f03} Name ExchangeConnectorTag';

/**
 * The second property of the same set: the appointment version the connector last wrote to the event.
 * A version newer than the one stored means the connector's write is still in flight (its changeKey
 * not recorded yet), so the delta does not take it for an Outlook change.
 */
export const CONNECTOR_WRITE_PROPERTY_ID =
  'String {7b0c6a52-3d1e-4f8a-9c27-5e4b1d9a6f03} Name ExchangeConnectorWrite';

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

export interface ExtendedPropertyValue {
  readonly id: string;
  readonly value: string;
}

/** The properties a create or PATCH body carries: the tag, and the version written. */
export function connectorProperties(tag: ConnectorTag, version: number): ExtendedPropertyValue[] {
  return [
    { id: CONNECTOR_TAG_PROPERTY_ID, value: connectorTagValue(tag) },
    { id: CONNECTOR_WRITE_PROPERTY_ID, value: String(version) },
  ];
}

/** The version a write property holds; undefined for anything but a whole number. */
export function parseWrittenVersion(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}
