export * from './jwt';
export * from './identity';
