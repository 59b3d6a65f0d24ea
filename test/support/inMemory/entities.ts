/**
 * What Table Storage does to an entity on the way in and out: the caller gets a copy, never the
 * stored object, and absent properties stay absent (an `undefined` value is not stored).
 */
export function stored<T>(value: T): T {
  const copy = structuredClone(value);
  if (typeof copy !== 'object' || copy === null || copy instanceof Date || Array.isArray(copy)) return copy;
  for (const [key, item] of Object.entries(copy)) {
    if (item === undefined) delete (copy as Record<string, unknown>)[key];
  }
  return copy;
}

let etagSequence = 0;

/** A new ETag, as the service returns one on every write of an entity. */
export function nextEtag(): string {
  etagSequence++;
  return `W/"datetime'${new Date(etagSequence).toISOString()}'"`;
}
