// The inspect page: the visitor's own connection illustrated (handler, lesson, page, what-if,
// glossary) and the socket that records it. The handler comes in through a dynamic import
// (server.ts) so instances without an inspect site never load the trace module.
export { CapturingSocket, OWN_BYTES_BOUND } from './capture-socket.ts';
export type { InspectSite } from './handler.ts';
