// An upstream's HTTP/1.1 response head as the h2 fields the client gets: the list respond() takes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FieldIndex } from '../../../src/http/field-lines.ts';
import { responseFieldList, responseHeaders } from '../../../src/http/h2-response-fields.ts';
import { parseResponseHead } from '../../../src/http/response-head.ts';
import { compileHeaderEdits, hstsValue } from '../../../src/http/rules/index.ts';

const head = (raw: string) => {
  const buf = Buffer.from(raw, 'latin1');
  const h = parseResponseHead(buf, 0, buf.length, new FieldIndex(128), false);
  assert.ok(!('reason' in h));
  return h;
};

const UPSTREAM =
  'HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\n' +
  'Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n' +
  'Set-Cookie: b=2\r\n\r\n';

describe('h2 response fields', () => {
  test('lower-case names in order, repeated fields kept, connection-specific ones gone', () => {
    assert.deepEqual(responseFieldList(head(UPSTREAM), null), [
      ':status',
      '200',
      'server',
      'nginx',
      'content-type',
      'text/plain',
      'set-cookie',
      'a=1',
      'set-cookie',
      'b=2',
    ]);
  });

  test("the site's edits: its dropped names leave, its own fields come last", () => {
    const { edits } = compileHeaderEdits({ set: { 'X-Env': 'prod' }, remove: ['Server'] }, [
      [
        'strict-transport-security',
        hstsValue({ maxAgeSeconds: 60, includeSubdomains: false, preload: false }),
      ],
    ]);
    const list = responseFieldList(head(UPSTREAM), edits);
    assert.ok(!list.includes('server'));
    assert.deepEqual(list.slice(-4), ['x-env', 'prod', 'strict-transport-security', 'max-age=60']);
  });

  test('as an object (interim responses): repeated names become a list', () => {
    assert.deepEqual(responseHeaders(head('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\nLink: </b>\r\n\r\n')), {
      ':status': 103,
      link: ['</a>', '</b>'],
    });
  });
});
