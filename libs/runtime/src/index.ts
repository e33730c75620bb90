export * from './tokens';
export * from './core.module';
