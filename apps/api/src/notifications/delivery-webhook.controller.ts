import { createHash, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Inject, Module, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { ParcoursWriteModule, Problem } from '@parcours/application';
import { DeliveryRecorder, runAsNotificationWorker } from '@parcours/background';
import type { AppConfig } from '@parcours/config';
import type { SqlClient } from '@parcours/event-store';
import { parseBrevoSmsWebhook, WebhookPayloadError } from '@parcours/notifications';
import { CLOCK, CONFIG, SQL } from '@parcours/runtime';
import { Public } from '../http/auth.guard';

/**
 * Whether the Authorization header carries the secret: `Bearer <secret>`, or
 * Basic with the secret as password (`user:secret`). Compared as digests, in
 * constant time, so that neither the secret nor its length leaks.
 */
export function presentsSecret(authorization: string | undefined, secret: string): boolean {
  if (!authorization || !secret) return false;
  const match = /^\s*(\S+)\s+(.+?)\s*$/.exec(authorization);
  if (!match) return false;
  const [, scheme, value] = match;
  let given: string;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    given = decoded.slice(colon + 1);
  } else if (/^bearer$/i.test(scheme)) given = value;
  else return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}

/**
 * The SMS provider's delivery callback: it reports what became of a message
 * (delivered, failed, bounced), matched to its parcours by the provider's id
 * kept in the outbox, and recorded there as MessageDeliveryReported. The
 * provider holds no bearer token: it presents NOTIFY_WEBHOOK_SECRET (as a
 * bearer, or as the password of the callback URL's basic authentication);
 * without that secret configured the route does not exist. Outside the
 * OpenAPI document: no client app calls it.
 */
@Public()
@ApiExcludeController()
@Controller('api/notifications')
export class DeliveryWebhookController {
  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(DeliveryRecorder) private readonly deliveries: DeliveryRecorder,
  ) {}

  @Post('sms/deliveries')
  @HttpCode(200)
  async smsDelivery(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    const secret = this.config.notifyWebhookSecret;
    if (!secret) throw Problem.notFound('NOT_FOUND', "Cette ressource n'existe pas.");
    if (!presentsSecret(authorization, secret)) throw Problem.unauthenticated();
    let report;
    try {
      report = parseBrevoSmsWebhook(body);
    } catch (error) {
      if (error instanceof WebhookPayloadError)
        throw new Problem({
          statusCode: 400,
          code: 'WEBHOOK_PAYLOAD_INVALID',
          message: 'Compte rendu illisible : messageId et statut requis.',
        });
      throw error;
    }
    // An event the product does not track (opened, clicked…), or a message it did not send: acknowledged, nothing recorded.
    if (!report) return { recorded: false };
    return { recorded: await this.deliveries.fromProvider('sms', report) };
  }
}

@Module({
  imports: [ParcoursWriteModule],
  controllers: [DeliveryWebhookController],
  providers: [
    {
      provide: DeliveryRecorder,
      useFactory: (sql: SqlClient, commands: CommandBus, clock: () => Date) =>
        new DeliveryRecorder(sql, runAsNotificationWorker(commands), clock),
      inject: [SQL, CommandBus, CLOCK],
    },
  ],
})
export class DeliveryWebhookModule {}
