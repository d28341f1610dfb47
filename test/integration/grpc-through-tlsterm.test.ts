// gRPC through the terminator: a real @grpc/grpc-js server on h2c behind the HTTP layer (TLS, h2
// on the front), a real grpc-js client. Unary, server and client streaming, a deadline that
// expires, a client cancel that reaches the server, the app down (UNAVAILABLE, 14), tlsterm's own
// response timeout not cutting a longer deadline, and grpc.health.v1.Health/Check with
// hand-written protobuf serializers (no proto files, no grpc-health-check package).
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { type Front, makeCert, startFront, type TestCert, waitFor } from './http-harness.ts';

const raw = {
  requestSerialize: (b: Buffer) => b,
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Buffer) => b,
  responseDeserialize: (b: Buffer) => b,
};
const method = (path: string, requestStream: boolean, responseStream: boolean) => ({
  path,
  requestStream,
  responseStream,
  ...raw,
});
const Echo = {
  unary: method('/test.Echo/Unary', false, false),
  slow: method('/test.Echo/Slow', false, false),
  list: method('/test.Echo/List', false, true),
  sum: method('/test.Echo/Sum', true, false),
  forever: method('/test.Echo/Forever', false, true),
};
// grpc.health.v1: HealthCheckRequest { string service = 1 }, HealthCheckResponse { ServingStatus status = 1 }.
const Health = { check: method('/grpc.health.v1.Health/Check', false, false) };
const healthRequest = (service: string) =>
  Buffer.concat([Buffer.from([0x0a, service.length]), Buffer.from(service)]);
const SERVING = Buffer.from([0x08, 0x01]);

let cert: TestCert;
let server: grpc.Server;
let appPort: number;
let front: Front;
let tightFront: Front;
const serverCancelled: string[] = [];

type AnyClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;
const EchoClient = grpc.makeGenericClientConstructor(Echo, 'Echo');
const HealthClient = grpc.makeGenericClientConstructor(Health, 'Health');

before(async () => {
  cert = makeCert();
  server = new grpc.Server();
  server.addService(Echo, {
    unary: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) =>
      cb(null, Buffer.concat([Buffer.from('echo:'), call.request])),
    slow: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      const ms = Number(call.request.toString());
      const t = setTimeout(() => cb(null, Buffer.from(`slept ${ms}`)), ms);
      call.on('cancelled', () => {
        clearTimeout(t);
        serverCancelled.push('slow');
      });
    },
    list: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      for (let i = 0; i < 5; i++) call.write(Buffer.from(`item ${i}`));
      call.end();
    },
    sum: (call: grpc.ServerReadableStream<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      let n = 0;
      let bytes = 0;
      call.on('data', (b: Buffer) => {
        n++;
        bytes += b.length;
      });
      call.on('end', () => cb(null, Buffer.from(`${n} messages, ${bytes} bytes`)));
    },
    forever: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      const t = setInterval(() => call.write(Buffer.from('tick')), 20);
      call.on('cancelled', () => {
        clearInterval(t);
        serverCancelled.push('forever');
      });
    },
  });
  server.addService(Health, {
    check: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      if (call.request.equals(healthRequest('')) || call.request.length === 0) cb(null, SERVING);
      else cb({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
    },
  });
  appPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) =>
      e ? reject(e) : resolve(port),
    ),
  );
  front = await startFront(cert, { upstream: `h2c://127.0.0.1:${appPort}`, upstreamH2: { maxStreams: 100 } });
  tightFront = await startFront(cert, {
    upstream: `h2c://127.0.0.1:${appPort}`,
    upstreamH2: { maxStreams: 100 },
    responseTimeoutMs: 500,
  });
});

after(async () => {
  await front?.close();
  await tightFront?.close();
  server?.forceShutdown();
});

const clients: grpc.Client[] = [];
after(() => {
  for (const c of clients) c.close();
});

function client<T extends typeof EchoClient | typeof HealthClient>(Ctor: T, port: number): AnyClient {
  const c = new Ctor(
    `localhost:${port}`,
    grpc.credentials.createSsl(Buffer.from(cert.cert)),
  ) as unknown as AnyClient;
  clients.push(c);
  return c;
}

const unary = (c: AnyClient, name: string, req: Buffer, options: grpc.CallOptions = {}) =>
  new Promise<{ err: grpc.ServiceError | null; res: Buffer | undefined }>((resolve) =>
    (
      c[name] as (
        r: Buffer,
        m: grpc.Metadata,
        o: grpc.CallOptions,
        cb: (e: grpc.ServiceError | null, r?: Buffer) => void,
      ) => void
    )(req, new grpc.Metadata(), options, (err, res) => resolve({ err, res })),
  );

test('unary call', async () => {
  const r = await unary(client(EchoClient, front.port), 'unary', Buffer.from('hi'));
  assert.equal(r.err, null);
  assert.equal(r.res?.toString(), 'echo:hi');
});

test('server streaming', async () => {
  const c = client(EchoClient, front.port);
  const call = (c['list'] as (r: Buffer) => grpc.ClientReadableStream<Buffer>)(Buffer.from(''));
  const got: string[] = [];
  call.on('data', (b: Buffer) => got.push(b.toString()));
  const status = await new Promise<grpc.StatusObject>((r) => call.on('status', r));
  assert.equal(status.code, grpc.status.OK);
  assert.deepEqual(got, ['item 0', 'item 1', 'item 2', 'item 3', 'item 4']);
});

test('client streaming', async () => {
  const c = client(EchoClient, front.port);
  const result = new Promise<{ err: grpc.ServiceError | null; res?: Buffer }>((resolve) => {
    const call = (
      c['sum'] as (cb: (e: grpc.ServiceError | null, r?: Buffer) => void) => grpc.ClientWritableStream<Buffer>
    )((err, res) => resolve({ err, ...(res !== undefined ? { res } : {}) }));
    for (let i = 0; i < 10; i++) call.write(Buffer.alloc(1000, i));
    call.end();
  });
  const r = await result;
  assert.equal(r.err, null);
  assert.equal(r.res?.toString(), '10 messages, 10000 bytes');
});

test('a deadline that expires: DEADLINE_EXCEEDED for the client, cancelled on the server', async () => {
  const r = await unary(client(EchoClient, front.port), 'slow', Buffer.from('3000'), {
    deadline: Date.now() + 300,
  });
  assert.equal(r.err?.code, grpc.status.DEADLINE_EXCEEDED);
  assert.ok(await waitFor(() => serverCancelled.includes('slow'), 5000), 'the server call saw cancelled');
});

test("tlsterm answers DEADLINE_EXCEEDED itself when the call's grpc-timeout passes", async () => {
  // A client that does not enforce its own deadline (node:http2 with a grpc-timeout header).
  const session = http2.connect(`https://localhost:${front.port}`, { ca: cert.cert });
  try {
    const req = session.request({
      ':method': 'POST',
      ':path': '/test.Echo/Slow',
      'content-type': 'application/grpc',
      'grpc-timeout': '200m',
      te: 'trailers',
    });
    const body = Buffer.from('3000');
    const frame = Buffer.alloc(5);
    frame.writeUInt32BE(body.length, 1);
    req.end(Buffer.concat([frame, body]));
    req.on('error', () => {});
    const started = Date.now();
    const headers = await new Promise<http2.IncomingHttpHeaders>((r) => req.on('response', r));
    assert.equal(headers[':status'], 200);
    assert.equal(headers['grpc-status'], '4');
    assert.ok(Date.now() - started < 2000, 'answered at the deadline, not at the app');
  } finally {
    session.close();
  }
});

test("tlsterm's response timeout does not cut a longer gRPC deadline", async () => {
  // tightFront's response timeout is 500 ms; the call's deadline is 5 s and the app takes 1 s.
  const r = await unary(client(EchoClient, tightFront.port), 'slow', Buffer.from('1000'), {
    deadline: Date.now() + 5000,
  });
  assert.equal(r.err, null, String(r.err));
  assert.equal(r.res?.toString(), 'slept 1000');
  // Without a deadline the response timeout bounds the wait, answered as DEADLINE_EXCEEDED.
  const cut = await unary(client(EchoClient, tightFront.port), 'slow', Buffer.from('1000'));
  assert.equal(cut.err?.code, grpc.status.DEADLINE_EXCEEDED, String(cut.err));
});

test('a client cancel reaches the server', async () => {
  const c = client(EchoClient, front.port);
  const call = (c['forever'] as (r: Buffer) => grpc.ClientReadableStream<Buffer>)(Buffer.from(''));
  call.on('error', () => {});
  await new Promise<void>((r) => call.once('data', () => r()));
  call.cancel();
  assert.ok(await waitFor(() => serverCancelled.includes('forever'), 5000), 'the server call saw cancelled');
});

test('grpc.health.v1.Health/Check through tlsterm (hand-written serializers)', async () => {
  const h = client(HealthClient, front.port);
  const r = await unary(h, 'check', healthRequest(''));
  assert.equal(r.err, null);
  assert.deepEqual(r.res, SERVING);
  const unknown = await unary(h, 'check', healthRequest('nope'));
  assert.equal(unknown.err?.code, grpc.status.NOT_FOUND);
});

test('the app down: the client sees UNAVAILABLE (14) with a message, as from Envoy', async () => {
  const dead = await startFront(cert, { upstream: 'h2c://127.0.0.1:1', upstreamH2: { maxStreams: 10 } });
  try {
    const r = await unary(client(EchoClient, dead.port), 'unary', Buffer.from('x'));
    assert.equal(r.err?.code, grpc.status.UNAVAILABLE);
    assert.match(r.err?.details ?? '', /connection refused/);
    assert.ok(dead.logs.some((e) => e['event'] === 'upstream_error' && e['error'] === 'ECONNREFUSED'));
  } finally {
    await dead.close();
  }
});
