import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Marks the console's forwarded reads, with a secret of this process that never leaves it. */
export const FORWARD_HEADER = 'x-parcours-console-forward';
const SECRET = Buffer.from(randomBytes(32).toString('base64url'));

export const forwardMarker = (): string => SECRET.toString();

/**
 * True for a read the console forwarded from this very process: its agent's
 * address was already counted on /console/api, and the forwarded request comes
 * from the server's own address, which all agents would otherwise share.
 */
export function isConsoleForward(req: { headers: Record<string, string | string[] | undefined> }): boolean {
  const value = req.headers[FORWARD_HEADER];
  if (typeof value !== 'string' || value.length !== SECRET.length) return false;
  return timingSafeEqual(Buffer.from(value), SECRET);
}
