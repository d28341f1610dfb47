// Bytes that stay bytes: passthrough by SNI, TLS-to-TCP forwarding, the relay and the PROXY protocol header.
export { forwardTcp } from './forward.ts';
export { passthrough } from './passthrough.ts';
