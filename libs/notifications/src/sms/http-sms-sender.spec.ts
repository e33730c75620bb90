import { normaliseFrenchMobile } from './http-sms-sender';

describe('normaliseFrenchMobile', () => {
  it.each([
    ['06 12 34 56 78', '33612345678'],
    ['07.12.34.56.78', '33712345678'],
    ['+33 6 12 34 56 78', '33612345678'],
    ['+33 (0)6 12 34 56 78', '33612345678'],
    ['0033612345678', '33612345678'],
    ['33612345678', '33612345678'],
    ['0692 12 34 56', '262692123456'],
    ['+262 692 12 34 56', '262692123456'],
    ['0696 12 34 56', '596696123456'],
    ['0639 12 34 56', '262639123456'],
  ])('reads %s as %s', (input, expected) => {
    expect(normaliseFrenchMobile(input)).toBe(expected);
  });

  it.each([
    ['a landline', '03 21 00 00 00'],
    ['a short number', '3949'],
    ['a number too long', '06 12 34 56 78 9'],
    ['a foreign mobile', '+44 7700 900123'],
    ['an overseas mobile with the wrong code', '+590 692 12 34 56'],
    ['letters', '06 12 AB 56 78'],
    ['nothing', ''],
  ])('refuses %s', (_case, input) => {
    expect(normaliseFrenchMobile(input)).toBeUndefined();
  });
});
