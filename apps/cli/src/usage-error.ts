/** A command line the CLI refuses before doing anything: printed on one line, exit code 2. */
export class UsageError extends Error {}
