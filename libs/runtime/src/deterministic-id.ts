import { createHash, randomUUID } from 'node:crypto';

/** A UUID derived from its parts: the same request retried yields the same ids. */
export function deterministicUuid(...parts: string[]): string {
  return uuidOfDigest(createHash('sha256').update(parts.join('\u0000')).digest());
}

/** The first 16 bytes of a digest shaped as a version-4 UUID. */
export function uuidOfDigest(digest: Buffer): string {
  const h = Buffer.from(digest);
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Ids for one command: derived from the idempotency key when there is one, random otherwise. */
export function idSource(seed: string[] | undefined): () => string {
  let n = 0;
  return () => (seed ? deterministicUuid(...seed, String(n++)) : randomUUID());
}
