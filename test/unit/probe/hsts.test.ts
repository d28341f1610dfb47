import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hstsFinding, parseHsts, parseHttpHead } from '../../../src/probe/hsts.ts';

describe('HSTS', () => {
  it('parses the directives, any case, quoted max-age', () => {
    assert.deepEqual(parseHsts('max-age=31536000; includeSubDomains; preload'), {
      maxAge: 31536000,
      includeSubDomains: true,
      preload: true,
    });
    assert.deepEqual(parseHsts('MAX-AGE="600"'), { maxAge: 600, includeSubDomains: false, preload: false });
    assert.equal(parseHsts('includeSubDomains').maxAge, null);
  });

  it('reads the first Strict-Transport-Security field of a response head', () => {
    const head = parseHttpHead(
      'HTTP/1.1 301 Moved\r\nLocation: /x\r\nstrict-transport-security: max-age=63072000\r\nStrict-Transport-Security: max-age=1\r\n\r\nbody',
    );
    assert.equal(head?.status, 301);
    const f = hstsFinding(head);
    assert.ok(f.state === 'yes');
    assert.equal(f.max_age, 63072000);
    assert.equal(f.status, 301);
  });

  it('says why there is no policy', () => {
    assert.deepEqual(
      { ...hstsFinding(parseHttpHead('HTTP/1.1 200 OK\r\n\r\n')) },
      {
        state: 'no',
        status: 200,
        max_age: null,
        include_subdomains: false,
        preload: false,
        header: null,
        detail: 'no Strict-Transport-Security header',
      },
    );
    assert.equal(
      hstsFinding(parseHttpHead('HTTP/1.1 200 OK\r\nStrict-Transport-Security: preload\r\n\r\n')).state,
      'no',
    );
    assert.equal(parseHttpHead('SSH-2.0-OpenSSH\r\n'), undefined);
    // No HTTP answer is not "no HSTS": nothing was seen.
    assert.deepEqual(hstsFinding(undefined), { state: 'not_tested', why: 'no HTTP answer to GET /' });
  });
});
