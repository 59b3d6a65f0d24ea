import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRIVACY_RULE,
  PrivacyRuleError,
  parsePrivacyOverride,
  parsePrivacyRule,
  privacyRuleOf,
  privacyRuleText,
} from '../../shared/domain/privacyRules';

describe('privacy rules', () => {
  it('the default shares busy, out-of-office and tentative blocks of every sensitivity, without details', () => {
    expect(privacyRuleText(DEFAULT_PRIVACY_RULE)).toBe(
      'showAs=busy,oof,tentative;sensitivity=normal,personal,private,confidential;details=none',
    );
  });

  it('reads the text form of a setting, in any case and order, keeping the canonical order', () => {
    const rule = parsePrivacyRule(' details=subjectAndLocation ; showAs=OOF, busy ;sensitivity=normal');
    expect(rule).toEqual({
      showAs: ['busy', 'oof'],
      sensitivities: ['normal'],
      details: 'subjectAndLocation',
    });
    expect(parsePrivacyRule(privacyRuleText(rule))).toEqual(rule);
  });

  it("reads a resource change's object, parts left out taken from the organisation default", () => {
    const organisation = parsePrivacyRule('showAs=busy;sensitivity=normal;details=subjectAndLocation');
    expect(parsePrivacyRule({ showAs: ['free', 'workingElsewhere'] }, organisation)).toEqual({
      showAs: ['free', 'workingElsewhere'],
      sensitivities: ['normal'],
      details: 'subjectAndLocation',
    });
  });

  it("keeps a resource's own parts apart from the default, so a later default still applies to the rest", () => {
    const own = parsePrivacyOverride({ details: 'subjectAndLocation' });
    expect(own).toEqual({ details: 'subjectAndLocation' });
    expect(privacyRuleText(own)).toBe('details=subjectAndLocation');
    expect(parsePrivacyOverride(privacyRuleText(own))).toEqual(own);
    expect(parsePrivacyOverride('')).toEqual({});
    const organisation = parsePrivacyRule('showAs=busy');
    expect(privacyRuleOf(own, organisation)).toEqual({ ...organisation, details: 'subjectAndLocation' });
  });

  it('an empty list shares nothing of that kind', () => {
    expect(parsePrivacyRule('showAs=').showAs).toEqual([]);
    expect(parsePrivacyRule({ sensitivity: [] }).sensitivities).toEqual([]);
  });

  it.each([
    ['showAs=busy,away', 'showAs "away" is not one of free, tentative, busy, oof, workingElsewhere'],
    ['sensitivity=secret', 'sensitivity "secret" is not one of normal, personal, private, confidential'],
    ['details=all', 'details "all" is not one of none, subjectAndLocation'],
    ['busy', '"busy" is not name=values'],
    ['colour=red', 'part "colour" is not one of showAs, sensitivity, details'],
  ])('rejects the text %j, naming the part: %s', (text, message) => {
    expect(() => parsePrivacyRule(text)).toThrow(new PrivacyRuleError(message));
  });

  it.each([
    [{ showAs: 'busy' }, undefined],
    [{ showAs: [1] }, 'showAs must be a list of free, tentative, busy, oof, workingElsewhere'],
    [{ details: true }, 'details must be one of none, subjectAndLocation'],
    [{ subject: 'x' }, 'unknown part "subject" (showAs, sensitivity, details)'],
    [['busy'], 'a privacy rule is an object or name=values text'],
    [null, 'a privacy rule is an object or name=values text'],
  ])('checks an object %j', (value, message) => {
    if (message === undefined) expect(parsePrivacyRule(value).showAs).toEqual(['busy']);
    else expect(() => parsePrivacyRule(value)).toThrow(new PrivacyRuleError(message));
  });
});
