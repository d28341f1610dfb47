// Shared TLS resumption state: the session cache (session-ID resumption, TLS 1.2) and the
// ticket-key ring (tickets, TLS 1.2 and 1.3), each with a memory and a Redis backend and room for a
// cluster-primary (IPC) backend: SessionStore and TicketKeyRing are the interfaces, a worker-side
// ring is a ReplicaKeyRing fed with decodeTicketKeys(message). Nothing here loads ioredis until a
// Redis backend is opened.
export {
  attachSessionStore,
  createSessionCache,
  type SessionCache,
  type SessionCacheHandle,
} from './attach-session-store.ts';
export { withDeadline } from './deadline.ts';
export { decodeTicketKeys, encodeTicketKeys } from './key-set-codec.ts';
export {
  createMemoryKeyRing,
  defaultTickMs,
  type MemoryKeyRing,
  type MemoryKeyRingOptions,
} from './memory-key-ring.ts';
export { nearSessionStore } from './near-session-store.ts';
export { openResumptionState, type ResumptionState } from './open-state.ts';
export {
  openRedisConnection,
  type RedisClient,
  type RedisConnection,
  type RedisConnectionOptions,
} from './redis-connection.ts';
export { openRedisKeyRing, type RedisKeyRing, type RedisKeyRingOptions } from './redis-key-ring.ts';
export {
  createRedisSessionStore,
  DEFAULT_PREFIX,
  type RedisSessionStoreOptions,
} from './redis-session-store.ts';
export { parseRedisUrl, type RedisEndpoint } from './redis-url.ts';
export { createReplicaKeyRing, type ReplicaKeyRing } from './replica-key-ring.ts';
export {
  currentIndex,
  expiresAt,
  findKey,
  type RotationSettings,
  rotateKeys,
  sortKeys,
} from './rotation.ts';
export {
  createMemorySessionStore,
  type MemorySessionStore,
  type MemorySessionStoreOptions,
  type SessionStore,
  type StoredSession,
} from './session-store.ts';
export { sessionProtocolVersion, TLS12, TLS13 } from './session-version.ts';
export {
  RESUMPTION_DEFAULTS,
  type ResumptionSettings,
  resumptionProblems,
  type SessionCacheSettings,
  type StateBackendSettings,
  type TicketSettings,
  WORKER_NEAR_SESSIONS,
  WORKER_SESSION_WAIT_MS,
} from './settings.ts';
export {
  generateTicketKey,
  hasName,
  sameTicketKey,
  TICKET_KEY_BYTES,
  TICKET_KEY_NAME_BYTES,
  type TicketKey,
  ticketKeyFrom,
} from './ticket-key.ts';
export { ticketKeyName } from './ticket-key-name.ts';
export { type Clock, KeyRingCore, type TicketKeyListener, type TicketKeyRing } from './ticket-key-ring.ts';
export { createTicketServers, type TicketServers, type TicketServersOptions } from './ticket-servers.ts';
