import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * The key that wraps every person's data key. A port, so that a KMS or an HSM
 * can hold it instead of the environment: the product only ever asks it to
 * wrap and unwrap 32-byte keys.
 */
export interface MasterKey {
  wrap(dataKey: Buffer): Promise<string>;
  unwrap(wrapped: string): Promise<Buffer>;
}

/** Only for local use and tests: a deployment sets PARCOURS_MASTER_KEY (refused in production). */
export const DEVELOPMENT_MASTER_KEY = createHash('sha256')
  .update('parcours-development-master-key-do-not-use-in-production')
  .digest('base64');

/** AES-256-GCM, 12-byte random IV: `v1.<iv>.<ciphertext+tag>` in base64url. */
export function seal(key: Buffer, plaintext: Buffer, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

export class SealError extends Error {}

export function open(key: Buffer, sealed: string, associatedData: string): Buffer {
  const [version, iv, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !body) throw new SealError('unknown sealed format');
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length < 16) throw new SealError('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
}

/** The master key from the environment (base64 of 32 bytes). */
export class EnvironmentMasterKey implements MasterKey {
  private readonly key: Buffer;

  constructor(base64: string) {
    const key = Buffer.from(base64, 'base64');
    if (key.length !== 32) throw new Error('PARCOURS_MASTER_KEY must be 32 bytes in base64');
    this.key = key;
  }

  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentMasterKey {
    const configured = env.PARCOURS_MASTER_KEY;
    if (env.NODE_ENV === 'production' && (!configured || configured === DEVELOPMENT_MASTER_KEY)) {
      throw new Error('PARCOURS_MASTER_KEY is required when NODE_ENV=production (32 random bytes in base64)');
    }
    return new EnvironmentMasterKey(configured || DEVELOPMENT_MASTER_KEY);
  }

  async wrap(dataKey: Buffer): Promise<string> {
    return seal(this.key, dataKey, 'parcours/person-key');
  }

  async unwrap(wrapped: string): Promise<Buffer> {
    return open(this.key, wrapped, 'parcours/person-key');
  }
}
