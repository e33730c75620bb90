export * from './kafka-client';
export * from './outbound/integration-events';
export * from './outbound/schemas';
export * from './outbound/kafka-sink';
export * from './outbound/relay';
export * from './inbound/inbound-messages';
export * from './inbound/inbound-consumer';
