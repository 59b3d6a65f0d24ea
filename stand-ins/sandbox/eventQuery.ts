import type { ExtendedProperty } from './extendedProperties';

/** Which extended properties `$expand` asks for: one id, all of them, or none (undefined). */
export type ExpandedProperties = { readonly id?: string } | undefined;

const EXPAND = /^singleValueExtendedProperties(?:\(\$filter=id eq '([^']+)'\))?$/i;
const FILTER =
  /^singleValueExtendedProperties\/any\((\w+):\s*\1\/id eq '([^']+)'(?:\s+and\s+\1\/value eq '((?:[^']|'')*)')?\)$/i;

export function expandedProperties(query: URLSearchParams): ExpandedProperties | 'invalid' {
  const expand = query.get('$expand');
  if (expand === null) return undefined;
  const match = EXPAND.exec(expand.trim());
  if (!match) return 'invalid';
  return match[1] === undefined ? {} : { id: match[1] };
}

/** `$filter=singleValueExtendedProperties/any(ep: ep/id eq '…' and ep/value eq '…')`, the only filter served. */
export function propertyFilter(
  query: URLSearchParams,
): { readonly id: string; readonly value?: string } | undefined | 'invalid' {
  const filter = query.get('$filter');
  if (filter === null) return undefined;
  const match = FILTER.exec(filter.trim());
  if (!match?.[2]) return 'invalid';
  return match[3] === undefined ? { id: match[2] } : { id: match[2], value: match[3].replace(/''/g, "'") };
}

/** The properties an `$expand` returns, as Graph spells them in answers. */
export function expanded(properties: readonly ExtendedProperty[], expand: ExpandedProperties) {
  if (!expand) return {};
  const chosen = properties.filter(
    (property) => expand.id === undefined || property.id.toLowerCase() === expand.id.toLowerCase(),
  );
  return { singleValueExtendedProperties: chosen.map(({ id, value }) => ({ id, value })) };
}
