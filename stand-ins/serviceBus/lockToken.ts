import { randomBytes } from 'node:crypto';

/**
 * Service Bus lock tokens travel two ways. On a receive link the token is the delivery tag, which
 * the SDK reads as a .NET GUID (the first three groups little-endian). In management requests the
 * SDK sends the token string back as a plain big-endian UUID. A lock is keyed by that string.
 */

const DOTNET_GUID_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15] as const;

export interface LockTokenPair {
  /** What the SDK reports as `message.lockToken`. */
  readonly lockToken: string;
  /** The delivery tag that the SDK turns into that token. */
  readonly deliveryTag: Buffer;
}

export function newLockToken(): LockTokenPair {
  const deliveryTag = randomBytes(16);
  return { lockToken: uuidBytesToString(swapGuidByteOrder(deliveryTag)), deliveryTag };
}

/** The bytes a management reply carries for a token (the SDK reads them without reordering). */
export function lockTokenToUuidBytes(lockToken: string): Buffer {
  return Buffer.from(lockToken.replace(/-/g, ''), 'hex');
}

export function uuidBytesToString(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Converts between RFC 4122 byte order and .NET GUID byte order (the mapping is its own inverse). */
function swapGuidByteOrder(bytes: Buffer): Buffer {
  return Buffer.from(DOTNET_GUID_ORDER.map((index) => bytes[index] ?? 0));
}
