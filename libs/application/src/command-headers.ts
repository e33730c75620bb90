/** What a command carries besides its body: from the HTTP headers, or from a partner flow's message. */
export interface CommandHeaders {
  /** The request's `X-Correlation-Id` (or the one given to it), echoed in the answer and written on its log line. */
  correlationId: string;
  /** What caused the events: this command's id (a partner flow gives none, its message id is then the idempotency key). */
  causationId?: string;
  /** `If-Match: <revision>`: decide only if the parcours is still at that revision. */
  ifMatch?: number;
  /** `Idempotency-Key`: a retried request returns the first answer and appends nothing twice. */
  idempotencyKey?: string;
}
