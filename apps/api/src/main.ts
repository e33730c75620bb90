import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@parcours/config';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  const logger = new Logger('parcours');
  const config = loadConfigOrExit();
  if (config.jwtSecretIsDevelopmentDefault) {
    logger.warn('PARCOURS_JWT_SECRET is not set: using the development secret (refused when NODE_ENV=production)');
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const where = config.store === 'embedded' ? `embedded store in ${config.dataDir}` : `${config.store} store`;
  logger.log(`listening on ${await app.getUrl()} (${where}; Kafka ${config.kafkaBrokers.length ? config.kafkaBrokers.join(',') : 'not configured'})`);
}

main().catch((error) => {
  console.error('parcours failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
