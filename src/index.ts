// tlsterm as a library: each folder's public face, under its own name (the CLI in src/cli is a
// thin layer over exactly these).
export * as certs from './certs/index.ts';
export * as config from './config/index.ts';
export { Errors, TlstermError } from './errors.ts';
export * as http from './http/index.ts';
export * as observe from './observe/index.ts';
export * as probe from './probe/index.ts';
export * as serve from './serve/index.ts';
export * as state from './state/index.ts';
export * as tls from './tls/index.ts';
export * as trace from './trace/index.ts';
export * as wire from './wire/index.ts';
