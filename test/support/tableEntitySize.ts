import type { TableEntity } from '@azure/data-tables';

/** Table Storage's limits on one entity (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model). */
export const ENTITY_LIMITS = { bytes: 1024 * 1024, properties: 255, stringChars: 32 * 1024, keyChars: 512 };

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return 4 + value.length * 2;
  if (value instanceof Date) return 8;
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'number') return Number.isInteger(value) ? 4 : 8;
  if (typeof value === 'object' && value !== null && 'type' in value && 'value' in value) return 8;
  return 0;
}

/**
 * The size of an entity as Table Storage counts it: 4 bytes, the keys at 2 bytes per character,
 * and per property 8 bytes, its name at 2 bytes per character and its value (strings 4 + 2 per
 * character, dates and doubles 8, Int32 4, booleans 1). Timestamp counts as a property.
 */
export function entitySize(entity: TableEntity<Record<string, unknown>>) {
  const { partitionKey, rowKey, ...properties } = entity;
  let bytes = 4 + (partitionKey.length + rowKey.length) * 2 + 8 + 18 + 8; // Timestamp
  let longestString = 0;
  for (const [name, value] of Object.entries(properties)) {
    bytes += 8 + name.length * 2 + valueBytes(value);
    if (typeof value === 'string') longestString = Math.max(longestString, value.length);
  }
  return {
    bytes,
    properties: Object.keys(properties).length + 3,
    longestString,
    longestKey: Math.max(partitionKey.length, rowKey.length),
  };
}
