/**
 * What a resource shares with the back office of the Outlook events the connector did not write:
 * which show-as values and sensitivities are published as busy blocks, and whether the subject and
 * location of a normal or personal event go with them. Private and confidential events never carry
 * details, whatever the rule says.
 */

export const SHOW_AS_VALUES = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere'] as const;
export const SENSITIVITIES = ['normal', 'personal', 'private', 'confidential'] as const;
export const DETAIL_LEVELS = ['none', 'subjectAndLocation'] as const;

export type ShowAs = (typeof SHOW_AS_VALUES)[number];
export type Sensitivity = (typeof SENSITIVITIES)[number];
export type DetailLevel = (typeof DETAIL_LEVELS)[number];

export interface PrivacyRule {
  readonly showAs: readonly ShowAs[];
  readonly sensitivities: readonly Sensitivity[];
  readonly details: DetailLevel;
}

/** Busy, out-of-office and tentative time of any sensitivity, as blocks without details. */
export const DEFAULT_PRIVACY_RULE: PrivacyRule = {
  showAs: ['busy', 'oof', 'tentative'],
  sensitivities: [...SENSITIVITIES],
  details: 'none',
};

export const WITHHELD_SENSITIVITIES: readonly Sensitivity[] = ['private', 'confidential'];

export class PrivacyRuleError extends Error {
  override readonly name = 'PrivacyRuleError';
}

function oneOf<T extends string>(allowed: readonly T[], value: string, what: string): T {
  const found = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (found === undefined)
    throw new PrivacyRuleError(`${what} "${value}" is not one of ${allowed.join(', ')}`);
  return found;
}

function listOf<T extends string>(allowed: readonly T[], value: unknown, what: string): T[] {
  const items = typeof value === 'string' ? value.split(',').filter((item) => item.trim() !== '') : value;
  if (!Array.isArray(items)) throw new PrivacyRuleError(`${what} must be a list of ${allowed.join(', ')}`);
  const chosen = items.map((item) => {
    if (typeof item !== 'string')
      throw new PrivacyRuleError(`${what} must be a list of ${allowed.join(', ')}`);
    return oneOf(allowed, item.trim(), what);
  });
  return allowed.filter((candidate) => chosen.includes(candidate));
}

const PARTS = { showAs: 'showAs', sensitivity: 'sensitivity', details: 'details' } as const;

/** The text form of settings: `showAs=busy,oof;sensitivity=normal,private;details=none`. */
function fieldsOfText(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const separator = part.indexOf('=');
    if (separator < 0) throw new PrivacyRuleError(`"${part.trim()}" is not name=values`);
    const name = oneOf(Object.values(PARTS), part.slice(0, separator).trim(), 'part');
    fields[name] = part.slice(separator + 1);
  }
  return fields;
}

/** What a resource sets for itself: the parts it leaves out follow the organisation default. */
export type PrivacyOverride = Partial<PrivacyRule>;

/**
 * The parts of a rule, from a setting's text or a resource change's `privacy` object. Throws
 * PrivacyRuleError naming the wrong part.
 */
export function parsePrivacyOverride(value: unknown): PrivacyOverride {
  const fields =
    typeof value === 'string'
      ? fieldsOfText(value)
      : typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
  if (fields === undefined) throw new PrivacyRuleError('a privacy rule is an object or name=values text');
  const unknown = Object.keys(fields).find((name) => !Object.values<string>(PARTS).includes(name));
  if (unknown !== undefined)
    throw new PrivacyRuleError(`unknown part "${unknown}" (showAs, sensitivity, details)`);
  const details = fields.details;
  if (details !== undefined && typeof details !== 'string')
    throw new PrivacyRuleError(`details must be one of ${DETAIL_LEVELS.join(', ')}`);
  return {
    ...(fields.showAs !== undefined ? { showAs: listOf(SHOW_AS_VALUES, fields.showAs, 'showAs') } : {}),
    ...(fields.sensitivity !== undefined
      ? { sensitivities: listOf(SENSITIVITIES, fields.sensitivity, 'sensitivity') }
      : {}),
    ...(details !== undefined ? { details: oneOf(DETAIL_LEVELS, details.trim(), 'details') } : {}),
  };
}

/** The rule in force: the resource's own parts over the organisation's rule. */
export function privacyRuleOf(override: PrivacyOverride | undefined, base: PrivacyRule): PrivacyRule {
  return { ...base, ...override };
}

/** A whole rule from text or an object, the parts left out taken from `base`. */
export function parsePrivacyRule(value: unknown, base: PrivacyRule = DEFAULT_PRIVACY_RULE): PrivacyRule {
  return privacyRuleOf(parsePrivacyOverride(value), base);
}

/** The text form of a rule or of a resource's parts, as settings, the store and the docs keep it. */
export function privacyRuleText(rule: PrivacyOverride): string {
  return [
    ...(rule.showAs ? [`showAs=${rule.showAs.join(',')}`] : []),
    ...(rule.sensitivities ? [`sensitivity=${rule.sensitivities.join(',')}`] : []),
    ...(rule.details ? [`details=${rule.details}`] : []),
  ].join(';');
}
