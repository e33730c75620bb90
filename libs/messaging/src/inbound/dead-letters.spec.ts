import { deadLetterKeyOf, openDeadLetter, sealDeadLetter, UnreadableDeadLetter } from './dead-letters';

const KEY = 'a-dead-letter-key-of-at-least-32-characters';
const original = {
  topic: 'caf.rights.v1',
  key: Buffer.from('1234567'),
  value: Buffer.from(
    JSON.stringify({ person: { lastName: 'Durand', birthDate: '1988-02-03', nir: '288026212345678' } }),
  ),
  headers: { 'message-id': Buffer.from('caf-1'), trace: Buffer.from([0, 255, 1]) },
};

function reason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof UnreadableDeadLetter) return error.reason;
    throw error;
  }
  return 'opened';
}

describe('sealed dead letters', () => {
  it('give back the exact bytes of key, value and headers, and show none of them', () => {
    const sealed = sealDeadLetter(original, KEY);
    expect(JSON.parse(sealed)).toEqual({
      encrypted: 'v1',
      iv: expect.any(String),
      tag: expect.any(String),
      ciphertext: expect.any(String),
    });
    expect(sealed).not.toMatch(/Durand|1988|288026212345678|1234567/);
    expect(openDeadLetter(Buffer.from(sealed), KEY)).toEqual(original);
    expect(
      openDeadLetter(sealDeadLetter({ ...original, key: null, value: null, headers: {} }, KEY), KEY),
    ).toEqual({ ...original, key: null, value: null, headers: {} });
  });

  /** The sealed letter of `original`, with its ciphertext's first bit flipped. */
  const altered = (): string => {
    const sealed = JSON.parse(sealDeadLetter(original, KEY));
    const ciphertext = Buffer.from(sealed.ciphertext, 'base64');
    ciphertext[0] ^= 1;
    return JSON.stringify({ ...sealed, ciphertext: ciphertext.toString('base64') });
  };
  it.each([
    {
      name: 'another key',
      open: () => openDeadLetter(sealDeadLetter(original, KEY), 'another-key-of-at-least-32-characters!!'),
      reason: 'WRONG_KEY_OR_DAMAGED',
    },
    {
      name: 'an altered ciphertext',
      open: () => openDeadLetter(altered(), KEY),
      reason: 'WRONG_KEY_OR_DAMAGED',
    },
    { name: 'a message in clear', open: () => openDeadLetter(original.value, KEY), reason: 'NOT_ENCRYPTED' },
    { name: 'text that is not JSON', open: () => openDeadLetter('not json', KEY), reason: 'NOT_ENCRYPTED' },
    { name: 'no value at all', open: () => openDeadLetter(null, KEY), reason: 'NOT_ENCRYPTED' },
  ])('are not opened from $name ($reason)', ({ open, reason: expected }) => {
    expect(reason(open)).toBe(expected);
  });

  it('are keyed by a keyed hash of the partner key: stable, and not the numéro allocataire', () => {
    const hashed = deadLetterKeyOf(Buffer.from('1234567'), KEY);
    expect(hashed).toMatch(/^[0-9a-f]{32}$/);
    expect(deadLetterKeyOf(Buffer.from('1234567'), KEY)).toBe(hashed);
    expect(deadLetterKeyOf(Buffer.from('1234568'), KEY)).not.toBe(hashed);
    expect(deadLetterKeyOf(Buffer.from('1234567'), 'another-key-of-at-least-32-characters!!')).not.toBe(
      hashed,
    );
    expect(deadLetterKeyOf(null, KEY)).toBe('');
  });
});
