// The experiment behind checklist item 3: one loopback TLS 1.3 connection through node:tls whose
// server context asks OpenSSL for kTLS by the option's raw value (Node does not name it), with
// /proc/net/tls_stat read before and after. On a kernel with kTLS, counters that do not move show
// that the records never left user space.

import { Buffer } from 'node:buffer';
import { constants } from 'node:crypto';
import { once } from 'node:events';
import tls from 'node:tls';
import { issueCertificate } from '../certs/index.ts';
import { type KtlsExperiment, parseTlsStat, tlsStatRecordsMoved } from './ktls.ts';
import type { SystemView } from './system.ts';

/** OpenSSL 3 ssl.h: `# define SSL_OP_ENABLE_KTLS SSL_OP_BIT(3)`. */
const SSL_OP_ENABLE_KTLS = 1 << 3;
const PAYLOAD_BYTES = 256 * 1024;
const BOUND_MS = 10_000;

export async function runKtlsExperiment(sys: SystemView): Promise<KtlsExperiment> {
  const optionExposed = 'SSL_OP_ENABLE_KTLS' in constants;
  const readStat = (): ReadonlyMap<string, number> | undefined => {
    const t = sys.read('/proc/net/tls_stat');
    return t === undefined ? undefined : parseTlsStat(t);
  };
  let server: tls.Server | undefined;
  let client: tls.TLSSocket | undefined;
  const timer = setTimeout(() => {
    client?.destroy(new Error(`no answer within ${BOUND_MS} ms`));
  }, BOUND_MS);
  try {
    const leaf = await issueCertificate({ names: ['localhost'], keyType: 'ec' });
    server = tls.createServer(
      {
        cert: leaf.certPem,
        key: leaf.keyPem,
        minVersion: 'TLSv1.3',
        ciphers: 'TLS_AES_128_GCM_SHA256',
        secureOptions: SSL_OP_ENABLE_KTLS,
      },
      (s) => {
        s.on('error', () => {});
        s.end(Buffer.alloc(PAYLOAD_BYTES, 0x61));
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    const before = readStat();
    client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
    await once(client, 'secureConnect');
    const version = client.getProtocol() ?? 'unknown';
    const cipher = client.getCipher().standardName;
    let bytes = 0;
    client.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    await once(client, 'end');
    const after = readStat();
    return {
      ran: true,
      version,
      cipher,
      bytes,
      optionExposed,
      ...(before !== undefined && after !== undefined
        ? { recordsMoved: tlsStatRecordsMoved(before, after) }
        : {}),
    };
  } catch (e) {
    return { ran: false, why: e instanceof Error ? e.message : String(e), optionExposed };
  } finally {
    clearTimeout(timer);
    client?.destroy();
    server?.close();
  }
}
