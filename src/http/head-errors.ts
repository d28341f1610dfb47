// Every way a message head or body can be rejected, as shared frozen values: the parsers return
// one of these instead of throwing or allocating. `reason` is what the `http_rejected` log line says.

export interface HeadError {
  readonly status: number;
  readonly reason: string;
}

const e = (status: number, reason: string): HeadError => Object.freeze({ status, reason });

export const E = {
  bareLf: e(400, 'bare lf line ending'),
  bareCr: e(400, 'bare cr'),
  obsFold: e(400, 'obs-fold line folding'),
  spaceBeforeColon: e(400, 'whitespace between field name and colon'),
  badFieldName: e(400, 'invalid field name'),
  badFieldValue: e(400, 'invalid character in field value'),
  tooManyFields: e(431, 'too many header fields'),
  headTooLarge: e(431, 'request head too large'),
  badRequestLine: e(400, 'invalid request line'),
  badMethod: e(400, 'invalid method'),
  badTarget: e(400, 'invalid request target'),
  badVersion: e(400, 'invalid http version'),
  unsupportedVersion: e(505, 'unsupported http version'),
  clWithTe: e(400, 'content-length with transfer-encoding'),
  duplicateCl: e(400, 'duplicate content-length'),
  badCl: e(400, 'invalid content-length'),
  teNotChunked: e(400, 'transfer-encoding without final chunked'),
  teUnsupported: e(501, 'unsupported transfer-encoding'),
  teChunkedTwice: e(400, 'chunked applied more than once'),
  teBad: e(400, 'invalid transfer-encoding'),
  teInHttp10: e(400, 'transfer-encoding in http/1.0'),
  missingHost: e(400, 'missing host'),
  multipleHost: e(400, 'multiple host'),
  badHost: e(400, 'invalid host'),
  badConnection: e(400, 'invalid connection header'),
  connectMethod: e(405, 'connect not supported'),
  expectation: e(417, 'unsupported expectation'),
  bodyTooLarge: e(413, 'request body larger than max_body'),
  badChunkSize: e(400, 'invalid chunk size'),
  chunkTooBig: e(400, 'chunk size too large'),
  badChunkExt: e(400, 'invalid chunk extension'),
  chunkExtTooLong: e(400, 'chunk extensions too long'),
  badChunkEnd: e(400, 'missing crlf after chunk data'),
  trailersTooLarge: e(431, 'trailer section too large'),
  badStatusLine: e(502, 'invalid status line'),
  unexpectedSwitch: e(502, 'unexpected 101 switching protocols'),
  truncated: e(502, 'connection closed before message complete'),
} as const;
