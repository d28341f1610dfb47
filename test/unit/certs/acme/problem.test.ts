import assert from 'node:assert/strict';
import { test } from 'node:test';
import { problemInBody } from '../../../../src/certs/acme/acme-client-context.ts';
import {
  formatAcmeProblem,
  parseAcmeProblem,
  problemHint,
  shortProblemType,
} from '../../../../src/certs/acme/problem.ts';

const rejected = {
  type: 'urn:ietf:params:acme:error:rejectedIdentifier',
  detail: 'Error creating new order :: Cannot issue for "b.test": Domain name contains an invalid character',
  status: 400,
  subproblems: [
    {
      type: 'urn:ietf:params:acme:error:rejectedIdentifier',
      detail: 'Domain name contains an invalid character',
      identifier: { type: 'dns', value: 'b.test' },
    },
    { nonsense: true },
  ],
};

test('a problem document with subproblems is parsed; junk entries are dropped', () => {
  const p = parseAcmeProblem(rejected);
  assert.equal(p?.type, rejected.type);
  assert.equal(p?.status, 400);
  assert.equal(p?.subproblems?.length, 1);
  assert.deepEqual(p?.subproblems?.[0]?.identifier, { type: 'dns', value: 'b.test' });
  assert.equal(parseAcmeProblem({ detail: 'no type' }), undefined);
  assert.equal(parseAcmeProblem('text'), undefined);
});

test('one line for logs: short type, detail, then each subproblem with its identifier', () => {
  const p = parseAcmeProblem(rejected);
  assert.ok(p);
  assert.equal(
    formatAcmeProblem(p),
    'rejectedIdentifier: Error creating new order :: Cannot issue for "b.test": Domain name contains an invalid character (dns b.test: rejectedIdentifier: Domain name contains an invalid character)',
  );
  assert.equal(shortProblemType('about:blank'), 'about:blank');
  assert.match(problemHint(p, 'http-01'), /will not issue/);
  assert.match(
    problemHint({ type: 'urn:ietf:params:acme:error:unauthorized' }, 'tls-alpn-01'),
    /acme-tls\/1/,
  );
  assert.match(problemHint(undefined, 'dns-01'), /retries with backoff/);
});

test('the problem of a response: an error status, or the error of an invalid challenge/authorization', () => {
  assert.equal(problemInBody(400, rejected)?.type, rejected.type);
  assert.equal(problemInBody(200, { status: 'valid' }), undefined);
  const challenge = {
    status: 'invalid',
    error: { type: 'urn:ietf:params:acme:error:connection', detail: 'refused' },
  };
  assert.equal(problemInBody(200, challenge)?.detail, 'refused');
  const authz = {
    status: 'invalid',
    challenges: [{ status: 'invalid', error: { type: 'urn:ietf:params:acme:error:dns' } }],
  };
  assert.equal(problemInBody(200, authz)?.type, 'urn:ietf:params:acme:error:dns');
});
