// Header edits: compiled once, applied to h1 heads and h2 blocks; framing and hop-by-hop refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compileHeaderEdits,
  editH1Head,
  editH2Headers,
  hstsValue,
} from '../../../../src/http/rules/index.ts';

describe('header edits', () => {
  const { edits, problems } = compileHeaderEdits(
    { set: { 'X-Env': 'prod' }, add: { 'x-extra': 'one' }, remove: ['Server'] },
    [
      [
        'strict-transport-security',
        hstsValue({ maxAgeSeconds: 31536000, includeSubdomains: true, preload: false }),
      ],
    ],
  );

  test('compiles drops and lines', () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(edits.drop, ['server', 'x-env', 'strict-transport-security']);
    assert.equal(
      edits.text,
      'x-env: prod\r\nx-extra: one\r\nstrict-transport-security: max-age=31536000; includeSubDomains\r\n',
    );
  });

  test('h1: removes named lines, keeps the body', () => {
    const out = editH1Head(
      Buffer.from('HTTP/1.1 403 Forbidden\r\nServer: x\r\nx-env: dev\r\ncontent-length: 3\r\n\r\nno\n'),
      edits,
    );
    assert.equal(
      out.toString(),
      'HTTP/1.1 403 Forbidden\r\ncontent-length: 3\r\nx-env: prod\r\nx-extra: one\r\nstrict-transport-security: max-age=31536000; includeSubDomains\r\n\r\nno\n',
    );
  });

  test('h2: set replaces, add appends', () => {
    const h: Record<string, string | string[] | number | undefined> = {
      ':status': 200,
      server: 'x',
      'x-extra': 'zero',
    };
    editH2Headers(h, edits);
    assert.deepEqual(h, {
      ':status': 200,
      'x-env': 'prod',
      'x-extra': ['zero', 'one'],
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    });
  });

  test('refuses framing, hop-by-hop, Host, pseudo-headers, bad names and CR/LF values', () => {
    const r = compileHeaderEdits({
      set: {
        'content-length': '1',
        connection: 'close',
        host: 'x',
        ':path': '/',
        'bad name': 'x',
        'x-ok': 'a\r\nb',
      },
      remove: ['transfer-encoding'],
    });
    assert.deepEqual(
      r.problems.map((p) => p.where),
      [
        'remove[0]',
        'set.content-length',
        'set.connection',
        'set.host',
        'set.:path',
        'set.bad name',
        'set.x-ok',
      ],
    );
  });
});
