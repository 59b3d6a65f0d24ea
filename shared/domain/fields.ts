/** A JSON object (not an array, not null): the one check for "has fields" across the code. */
export function isFields(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: inherited members (`constructor`, `__proto__` getters) are never read. */
export function readField(o: object, key: string): unknown {
  return Object.hasOwn(o, key) ? (o as Readonly<Record<string, unknown>>)[key] : undefined;
}
