import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Conn } from '../../../src/http/head-builder.ts';
import { localResponseH1, localResponseH2, runHandler } from '../../../src/http/local-response.ts';
import type { ConnectionInfo, LocalRequest } from '../../../src/http/types.ts';

const conn: ConnectionInfo = {
  clientAddress: '127.0.0.1',
  clientPort: 1,
  localAddress: '127.0.0.1',
  localPort: 2,
  serverName: 'a.test',
  alpn: 'http/1.1',
  tls: {},
};
const req: LocalRequest = { method: 'GET', target: '/', headers: [], httpVersion: '1.1' };

describe('local handler responses', () => {
  test('HTTP/1.1: Content-Length set, framing and hop-by-hop fields from the handler dropped', () => {
    const out = localResponseH1(
      {
        status: 200,
        headers: [
          ['Content-Type', 'text/plain'],
          ['Content-Length', '999'],
          ['Connection', 'close'],
          ['Transfer-Encoding', 'chunked'],
        ],
        body: 'héllo',
      },
      false,
      Conn.none,
    ).toString('latin1');
    assert.equal(out, 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 6\r\n\r\nh\xc3\xa9llo');
  });
  test('HEAD keeps Content-Length but sends no body; 204 has neither', () => {
    assert.equal(
      localResponseH1({ status: 200, headers: [], body: 'abc' }, true, Conn.close).toString(),
      'HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\n',
    );
    assert.equal(
      localResponseH1({ status: 204, headers: [], body: 'x' }, false, Conn.none).toString(),
      'HTTP/1.1 204 No Content\r\n\r\n',
    );
  });
  test('h2: lower-case names, repeated fields as arrays, content-length as a number', () => {
    const { headers, body } = localResponseH2(
      {
        status: 201,
        headers: [
          ['Set-Cookie', 'a=1'],
          ['set-cookie', 'b=2'],
          ['X-A', 'v'],
        ],
        body: new Uint8Array([1, 2]),
      },
      false,
    );
    assert.deepEqual(headers, {
      ':status': 201,
      'set-cookie': ['a=1', 'b=2'],
      'x-a': 'v',
      'content-length': 2,
    });
    assert.deepEqual(body, Buffer.from([1, 2]));
  });
  test('a handler that throws, or returns CR/LF in a value, becomes a logged 500', () => {
    const logs: Record<string, unknown>[] = [];
    const log = (e: Record<string, unknown>) => {
      logs.push(e);
    };
    assert.equal(
      runHandler(
        () => {
          throw new Error('boom');
        },
        req,
        conn,
        log,
      ).status,
      500,
    );
    assert.equal(
      runHandler(() => ({ status: 200, headers: [['X', 'a\r\nInjected: 1']], body: '' }), req, conn, log)
        .status,
      500,
    );
    assert.equal(
      runHandler(() => ({ status: 200, headers: [['Bad Name', 'v']], body: '' }), req, conn, log).status,
      500,
    );
    assert.equal(runHandler(() => ({ status: 99, headers: [], body: '' }), req, conn, log).status, 500);
    assert.equal(logs.length, 4);
    assert.ok(logs.every((e) => e.event === 'handler_error'));
  });
});
