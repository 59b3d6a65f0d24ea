import { encodeKey } from '../../../shared/adapters/tables/keys';
import { ENTITY_LIMITS, entitySize } from '../tableEntitySize';

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

/**
 * A key as Table Storage takes it: encoded by the adapters' rule (which throws on a lone
 * surrogate) and at most 512 characters (Azurite's limit; Azure's is 1,024), else the 400 the
 * service answers.
 */
export function tableKey(...parts: readonly string[]): string {
  const key = parts.map((part) => encodeKey(part)).join('|');
  if (key.length > ENTITY_LIMITS.keyChars)
    throw new Error(`400 InvalidInput: a key of ${key.length} characters`);
  return key;
}

/** An entity as the adapters would write it must fit Table Storage's limits, else the service's 400. */
export function checkEntity(entity: Parameters<typeof entitySize>[0]): void {
  const size = entitySize(entity);
  if (size.longestKey > ENTITY_LIMITS.keyChars) throw new Error('400 InvalidInput: key too long');
  if (size.bytes > ENTITY_LIMITS.bytes) throw new Error(`400 EntityTooLarge: ${size.bytes} bytes`);
  if (size.properties > ENTITY_LIMITS.properties) throw new Error('400 TooManyProperties');
  if (size.longestString > ENTITY_LIMITS.stringChars) throw new Error('400 PropertyValueTooLarge');
}
