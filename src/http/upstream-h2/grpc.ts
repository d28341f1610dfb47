// gRPC over HTTP/2 (grpc/doc/PROTOCOL-HTTP2.md), what a proxy needs of it: the deadline a call
// carries (grpc-timeout), and the answer to a call tlsterm could not pass on — HTTP 200 with the
// gRPC status in a trailers-only response, as Envoy answers, so clients see UNAVAILABLE (14) or
// DEADLINE_EXCEEDED (4) and not a bare 502. Pure.

export const GrpcStatus = { cancelled: 1, deadlineExceeded: 4, unavailable: 14, internal: 13 } as const;

const UNIT_MS: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/** "TimeoutValue TimeoutUnit": at most 8 digits and one of H M S m u n. undefined when malformed. */
export function parseGrpcTimeout(value: string): number | undefined {
  const m = /^([0-9]{1,8})([HMSmun])$/.exec(value);
  if (m === null) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/** The fields of a trailers-only gRPC response (RFC 3986 percent-encoding for grpc-message). */
export function grpcFailureFields(status: number, message: string): [string, string][] {
  return [
    ['content-type', 'application/grpc'],
    ['grpc-status', String(status)],
    ['grpc-message', encodeURIComponent(message)],
  ];
}

/** The gRPC status for an upstream failure: timeouts are DEADLINE_EXCEEDED, the rest UNAVAILABLE. */
export const grpcStatusFor = (code: string): number =>
  code === 'RESPONSE_TIMEOUT' || code === 'DEADLINE_EXCEEDED'
    ? GrpcStatus.deadlineExceeded
    : GrpcStatus.unavailable;
