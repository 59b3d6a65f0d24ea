import { createHash } from 'node:crypto';
import type { Directory } from './directory';

export interface GraphUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly mail: string;
  readonly displayName: string;
}

export interface ResolvedUser {
  /** The lower-cased address (or, for an id nobody used yet, the id): how counters and scenarios name it. */
  readonly mailbox: string;
  /** Undefined if no such user exists in the token's tenant. */
  readonly user: GraphUser | undefined;
}

/** A stable GUID per address, so a user has the same id in every request and every run. */
function userId(address: string): string {
  const hex = createHash('sha1').update(address).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function displayName(address: string): string {
  const local = address.split('@')[0] ?? address;
  return local
    .split(/[._-]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** Every address in the tenant's domain is a user with a mailbox; users are addressed by UPN or id. */
export class Users {
  private readonly addressById = new Map<string, string>();

  constructor(private readonly directory: Directory) {}

  resolve(reference: string, tenantId: string): ResolvedUser {
    const lowered = reference.toLowerCase();
    const address = lowered.includes('@') ? lowered : this.addressById.get(lowered);
    if (!address) return { mailbox: lowered, user: undefined };
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const tenant = this.directory.findTenant(domain);
    if (!tenant || tenant.tenantId !== tenantId) return { mailbox: address, user: undefined };
    const id = userId(address);
    this.addressById.set(id, address);
    return {
      mailbox: address,
      user: { id, userPrincipalName: address, mail: address, displayName: displayName(address) },
    };
  }
}
