import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import pino, { DestinationStream, Logger as Pino } from 'pino';

/**
 * Paths where personal data could hide: bodies and headers are never serialised
 * by the API's request serialiser (apps/api/src/http/logging.ts); these paths catch anything logged by hand.
 */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'res.body',
  'body',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'person',
  '*.person',
  'lastName',
  'firstName',
  'birthName',
  'birthDate',
  'nir',
  '*.lastName',
  '*.firstName',
  '*.birthDate',
  '*.nir',
];

/** The root JSON logger: one line per entry on `destination` (stdout by default), never coloured. */
export function createRootLogger(destination?: DestinationStream): Pino {
  return pino(
    {
      level: process.env.LOG_LEVEL || 'info',
      base: { service: 'parcours' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** Nest contexts whose boot lines are summed up or dropped. */
const ROUTE_LINES = new Set(['RouterExplorer', 'RoutesResolver']);
const QUIET_CONTEXTS = new Set(['InstanceLoader']);

/**
 * Nest's logger replaced by pino (the `new Logger(...)` calls go through it):
 * the route table at boot becomes one line, module wiring is debug, and a
 * start-up exception is left to the caller (the API's createApp, the worker's
 * main), which names its cause in one line without a stack.
 */
export class AppLogger extends NestPinoLogger {
  private routes = 0;

  constructor(root: Pino) {
    const params = { pinoHttp: { logger: root } };
    super(new PinoLogger(params), params);
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string') {
      if (ROUTE_LINES.has(context)) {
        if (context === 'RouterExplorer') this.routes++;
        return;
      }
      if (QUIET_CONTEXTS.has(context)) return super.debug(message, ...rest);
      if (context === 'NestApplication' && this.routes > 0) {
        super.log(`${this.routes} routes mapped`, 'RoutesResolver');
        this.routes = 0;
      }
    }
    super.log(message, ...rest);
  }

  override error(message: unknown, ...rest: unknown[]): void {
    if (rest[rest.length - 1] === 'ExceptionHandler') return;
    super.error(message, ...rest);
  }
}
