import type { ResourceState, ResourceStore } from '../../domain/ports';
import { type PrivacyOverride, parsePrivacyOverride, privacyRuleText } from '../../domain/privacyRules';
import { asBoolean, asDate, asString, cut } from './entityValues';
import { encodeKey } from './keys';
import { saveIfNewer } from './saveIfNewer';
import type { Entity, TableAccess } from './tableClients';

const PARTITION = 'resource';

/** The stored text was written by privacyRuleText, so it parses; a hand-edited one that does not is dropped. */
function privacyOf(text: string | undefined): { privacy?: PrivacyOverride } {
  if (!text) return {};
  try {
    return { privacy: parsePrivacyOverride(text) };
  } catch {
    return {};
  }
}

function toResourceState(id: string, entity: Entity): ResourceState {
  return {
    id,
    name: asString(entity.Name) ?? id,
    mailbox: asString(entity.Mailbox) ?? '',
    exchangeEnabled: asBoolean(entity.ExchangeEnabled) ?? false,
    changedAt: asDate(entity.ChangedAt) ?? new Date(0),
    ...privacyOf(asString(entity.Privacy)),
  };
}

/** The newest state of each resource (PK = `resource`, RK = resource id). */
export class TableResourceStore implements ResourceStore {
  constructor(private readonly tables: TableAccess) {}

  async getResources(resourceIds: readonly string[]): Promise<Map<string, ResourceState>> {
    const found = await Promise.all(
      [...new Set(resourceIds)].map(async (id) => {
        const entity = await this.tables.read('Resources', PARTITION, encodeKey(id));
        return entity ? ([id, toResourceState(id, entity)] as const) : undefined;
      }),
    );
    return new Map(found.filter((entry) => entry !== undefined));
  }

  saveResourceIfNewer(state: ResourceState): Promise<boolean> {
    return saveIfNewer(this.tables, {
      table: 'Resources',
      partitionKey: PARTITION,
      rowKey: encodeKey(state.id),
      properties: {
        Name: cut(state.name),
        Mailbox: cut(state.mailbox),
        ExchangeEnabled: state.exchangeEnabled,
        ChangedAt: state.changedAt,
        // The write replaces the entity: a resource change without privacy goes back to the default.
        ...(state.privacy ? { Privacy: privacyRuleText(state.privacy) } : {}),
      },
      supersedes: (stored) =>
        state.changedAt.getTime() >= (asDate(stored.ChangedAt)?.getTime() ?? Number.NEGATIVE_INFINITY),
    });
  }
}
