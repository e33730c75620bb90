import { Identity, identityFromClaims, InvalidTokenError, mintToken, ROLES } from '@parcours/auth';
import type { AppConfig } from '@parcours/config';
import { Command, Option } from 'commander';
import { CliContext, optionsOf } from './cli-context';
import { UsageError } from './usage-error';

const DEFAULT_TTL_HOURS = '8';

export function tokenCommand(options: Record<string, string>, config: AppConfig, now = new Date()): string {
  if (options.role === undefined) throw new UsageError('--role is required');
  const ttlHours = Number(options['ttl-hours'] ?? DEFAULT_TTL_HOURS);
  if (!Number.isFinite(ttlHours) || ttlHours <= 0 || ttlHours > 24 * 30)
    throw new UsageError('--ttl-hours must be between 0 and 720');
  let identity: Identity;
  try {
    identity = identityFromClaims({
      sub: options.sub ?? `${options.role}-cli`,
      role: options.role,
      referentId: options['referent-id'],
      organisationId: options['organisation-id'],
      territory: options.territory,
    });
  } catch (error) {
    // Claims are named as the token names them (referentId, territory): say which option brings them.
    if (error instanceof InvalidTokenError)
      throw new UsageError(
        `--role ${options.role}: ${error.message} (--referent-id, --organisation-id, --territory)`,
      );
    throw error;
  }
  return mintToken(identity, config.jwtSecret, Math.round(ttlHours * 3600), now);
}

export function registerTokenCommand(program: Command, cli: CliContext): void {
  program
    .command('token')
    .description(
      'Mints a bearer token signed with PARCOURS_JWT_SECRET, for local use and tests ' +
        '(the server accepts such tokens only outside production).',
    )
    .addOption(new Option('--role <role>', 'role of the token (required)').choices(ROLES))
    .option('--sub <id>', 'subject of the token (default: <role>-cli)')
    .option('--referent-id <id>', 'referent the token acts as (needed by --role referent)')
    .option('--organisation-id <id>', 'organisation of the referent (needed by --role referent)')
    .option('--territory <code>', 'territory of the token (needed by --role slai)')
    .option('--ttl-hours <n>', 'lifetime in hours, at most 720', DEFAULT_TTL_HOURS)
    .addHelpText('after', '\nExample: DEP=$(npm run -s cli -- token --role departement)')
    .action((_options, command: Command) =>
      cli.run(command, (config) => tokenCommand(optionsOf(command), config)),
    );
}
