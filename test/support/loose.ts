/** Overrides in tests may name an optional field `undefined` to mean "absent". */
export type Loose<T> = { [K in keyof T]?: T[K] | undefined };

/** The value without its `undefined` fields: what `exactOptionalPropertyTypes` calls absent. */
export function absentUndefined<T extends object>(value: Loose<T> & Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
