import { isGsm, smsSegments, toGsm } from './gsm';

describe('GSM 03.38', () => {
  it('counts 160 characters in one segment, then 153 a segment', () => {
    expect(smsSegments('a'.repeat(160))).toBe(1);
    expect(smsSegments('a'.repeat(161))).toBe(2);
    expect(smsSegments('a'.repeat(306))).toBe(2);
    expect(smsSegments('a'.repeat(307))).toBe(3);
  });

  it('counts the characters of the extension table twice', () => {
    expect(smsSegments('€'.repeat(80))).toBe(1);
    expect(smsSegments('€'.repeat(81))).toBe(2);
  });

  it('falls back to UCS-2 (70, then 67 a segment) with a character outside the alphabet', () => {
    expect(smsSegments('ê'.repeat(70))).toBe(1);
    expect(smsSegments('ê'.repeat(71))).toBe(2);
  });

  it('keeps é è à ù, and writes ê ç ’ « » œ without leaving the alphabet', () => {
    expect(toGsm('Évry, référent à l’accueil, « ça » : être, cœur')).toBe(
      'Évry, référent à l\'accueil, " ca " : etre, coeur',
    );
    expect(isGsm(toGsm('Ærø ŁÓDŹ 北'))).toBe(true);
  });
});
