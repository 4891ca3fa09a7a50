// The xAPI layer the runtime bundles: profile (statement builders), activity ids and the
// outbox. Browser-safe; the Node-side course mapping is imported from course-input.ts.
export * from './profile.ts';
export * as ids from './ids.ts';
export { createOutbox, outboxKey, type KeyValueStorage, type Outbox, type OutboxOptions, type OutboxState, type Rejected, type StatementLike } from './outbox.ts';
