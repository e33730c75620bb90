import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig, loadConfigOrExit } from '@parcours/config';
import { startConfiguredTracing } from '@parcours/runtime';
import { createApp, reservePort, startupFailureMessage } from './bootstrap';

async function main(config: AppConfig): Promise<void> {
  // The port first: when it is taken, nothing starts (the worker's projections start with the application).
  const port = await reservePort(config.port, config.host);
  startConfiguredTracing(config);
  const app = await createApp(config);
  const logger = new Logger('parcours');
  if (config.jwtSecretIsDevelopmentDefault) {
    logger.warn(
      'PARCOURS_JWT_SECRET is not set: using the development secret (refused when NODE_ENV=production)',
    );
  }
  await app.init();
  await port.release();
  await app.listen(config.port, config.host);
  const where = config.store === 'embedded' ? `embedded store in ${config.dataDir}` : `${config.store} store`;
  logger.log(
    `listening on ${await app.getUrl()} (${where}; Kafka ${config.kafkaBrokers.length ? config.kafkaBrokers.join(',') : 'not configured'})`,
  );
}

const config = loadConfigOrExit();
main(config).catch((error) => {
  // One line, no stack: the cause and the setting to look at.
  console.error(startupFailureMessage(error, config));
  process.exit(1);
});
