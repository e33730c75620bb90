export * from './tokens';
export * from './core.module';
export * from './deterministic-id';
export * from './logging';
export * from './tracing';
