/** Nest injection tokens for the things that are not classes. */
export const CONFIG = Symbol('CONFIG');
export const STORES = Symbol('STORES');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const SQL = Symbol('SQL');
export const CLOCK = Symbol('CLOCK');
