import { describe, expect, it } from 'vitest';
import { isMailbox } from '../../shared/domain/changeMessageFormats';

describe('resource mailbox addresses', () => {
  it('accepts the local parts Exchange and Graph accept', () => {
    for (const mailbox of [
      'room4@contoso.com',
      'a.b+c@sub.contoso.co.uk',
      "o'neil@contoso.com",
      'desk_1-a@contoso.com',
      'x!y^z~w@contoso.com',
      'r*s=t{u}v|w`x@contoso.com',
    ]) {
      expect({ mailbox, valid: isMailbox(mailbox) }).toEqual({ mailbox, valid: true });
    }
  });

  it('refuses local parts with characters that change the Graph path: / ? # $ % &', () => {
    for (const mailbox of [
      'room/../../users@contoso.com',
      'room?x@contoso.com',
      'room#1@contoso.com',
      '$room@contoso.com',
      'room%2F@contoso.com',
      'a&b@contoso.com',
    ]) {
      expect({ mailbox, valid: isMailbox(mailbox) }).toEqual({ mailbox, valid: false });
    }
  });
});
