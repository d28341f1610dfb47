// HTTP/2 and gRPC to the app: multiplexed sessions per server (sessions.ts), one stream per
// exchange (exchange.ts), the h1-head ↔ h2-fields translations and gRPC's rules (pure files).
export { H2Exchange, type H2ResponseSink } from './exchange.ts';
export { GrpcStatus, grpcFailureFields, grpcStatusFor, parseGrpcTimeout } from './grpc.ts';
export { type H2RequestFields, h2RequestFields } from './request-fields.ts';
export { h2ResponseHead } from './response-head.ts';
export { ConnectTimeout, H2Pool, type H2PoolOptions, H2Session } from './sessions.ts';
