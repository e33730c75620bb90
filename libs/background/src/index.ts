export * from './deadline-notifier';
export * from './worker.module';
export * from './notifications/notification-outbox';
export * from './notifications/notification-dispatcher';
export * from './notifications/reminder-job';
export * from './notifications/compose-notification';
export * from './notifications/letter-batches';
