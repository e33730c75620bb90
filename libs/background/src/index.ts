export * from './deadline-notifier';
export * from './worker.module';
