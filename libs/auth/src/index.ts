export * from './jwt';
export * from './identity';
export * from './claims';
export * from './verifier';
export * from './oidc';
