export interface ExtendedProperty {
  readonly id: string;
  readonly value: string;
}

/** `singleValueExtendedProperties` as a client sends them: `[{ id, value }]`. */
function sentProperties(fields: Readonly<Record<string, unknown>>): ExtendedProperty[] {
  const sent = fields.singleValueExtendedProperties;
  if (!Array.isArray(sent)) return [];
  return sent.flatMap((property: unknown) =>
    property &&
    typeof property === 'object' &&
    'id' in property &&
    'value' in property &&
    typeof property.id === 'string' &&
    typeof property.value === 'string'
      ? [{ id: property.id, value: property.value }]
      : [],
  );
}

/**
 * Single-value extended properties of events, kept apart from the event so they are returned only
 * when asked for (`$expand`), as Graph does. Property ids compare case-insensitively.
 */
export class ExtendedProperties {
  private readonly byEvent = new Map<string, Map<string, ExtendedProperty>>();

  /** Sets the properties a create or PATCH body carries; others stay as they were. */
  merge(eventKey: string, fields: Readonly<Record<string, unknown>>): void {
    const sent = sentProperties(fields);
    if (sent.length === 0) return;
    const stored = this.byEvent.get(eventKey) ?? new Map<string, ExtendedProperty>();
    for (const property of sent) stored.set(property.id.toLowerCase(), property);
    this.byEvent.set(eventKey, stored);
  }

  of(eventKey: string): ExtendedProperty[] {
    return [...(this.byEvent.get(eventKey)?.values() ?? [])];
  }

  find(eventKey: string, id: string): ExtendedProperty | undefined {
    return this.byEvent.get(eventKey)?.get(id.toLowerCase());
  }

  delete(eventKey: string): void {
    this.byEvent.delete(eventKey);
  }

  clear(): void {
    this.byEvent.clear();
  }
}
