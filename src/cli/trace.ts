import type { Buffer } from 'node:buffer';
import process from 'node:process';
import type tls from 'node:tls';
import { parseArgs } from '../builtins.ts';
import { parseListenAddress } from '../config/index.ts';
import { Errors, TlstermError } from '../errors.ts';
import {
  isTraceFormat,
  renderReport,
  reportOutput,
  runTraceRelay,
  SECRETS_WARNING,
  type TraceFormat,
  traceConnect,
  writeCaptureFiles,
} from '../trace/index.ts';
import type { Command } from './command.ts';
import { commandHelp } from './help.ts';

const OPTIONS = `  --sni NAME            server name to send (default: the host, when it is a name)
  --no-sni              send no server name
  --tls1.2, --tls1.3    speak only this version
  --cipher LIST         OpenSSL cipher list; TLS 1.3 names (TLS_AES_128_GCM_SHA256) may be mixed in
  --request TEXT        send after the handshake: 'GET /' makes a whole HTTP/1.1 request;
                        anything else is sent as written (\\r\\n escapes allowed)
  --alpn LIST           ALPN protocols to offer, comma-separated (default http/1.1 with --request)
  --ca FILE             CA certificates to verify the server with
  --verify              refuse a certificate that does not verify (default: report and go on)
  --timeout MS          give up after this long (default 10000)
  --pcap FILE           also write what was seen as a pcap (open it in Wireshark with --keylog-out)
  --keylog-out FILE     also write the session's key log (NSS format)
  --listen ADDR         relay mode: accept clients here (e.g. 127.0.0.1:8443) …
  --to HOST:PORT        … and connect each one to this server
  --keylog FILE         relay mode: the key log your client writes (SSLKEYLOGFILE, s_client -keylogfile)
  --count N             relay mode: stop after N connections
  --format FORMAT       text (default), json or html
  -o, --output FILE     write the report here instead of stdout
`;

export const traceCommand: Command = {
  name: 'trace',
  usage: 'trace HOST:PORT [options] | trace --listen ADDR --to HOST:PORT [--keylog FILE]',
  summary: `Show a TLS connection as a ladder: every record and handshake message both ways, decoded,
with the key schedule computed by tlsterm's own code from the key log (TLS 1.2 PRF, TLS 1.3 HKDF)
and every encrypted record decrypted and its tag checked, up to the HTTP inside. Connects with its
own client, or relays a client of your choice (--listen/--to). Exit 0 when everything decrypted,
2 when something could not be, 1 on errors.`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        sni: { type: 'string' },
        'no-sni': { type: 'boolean' },
        'tls1.2': { type: 'boolean' },
        'tls1.3': { type: 'boolean' },
        cipher: { type: 'string' },
        request: { type: 'string' },
        alpn: { type: 'string' },
        ca: { type: 'string' },
        verify: { type: 'boolean' },
        timeout: { type: 'string' },
        pcap: { type: 'string' },
        'keylog-out': { type: 'string' },
        listen: { type: 'string' },
        to: { type: 'string' },
        keylog: { type: 'string' },
        count: { type: 'string' },
        format: { type: 'string', default: 'text' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(commandHelp(traceCommand, OPTIONS));
      return 0;
    }
    const format = values.format ?? 'text';
    if (!isTraceFormat(format))
      throw new TlstermError(Errors.usage(`unknown format "${format}"`, 'use --format text, json or html'));
    if (values['tls1.2'] && values['tls1.3'])
      throw new TlstermError(Errors.usage('--tls1.2 and --tls1.3 exclude each other'));
    if (values.listen !== undefined || values.to !== undefined) {
      if (values.listen === undefined || values.to === undefined)
        throw new TlstermError(Errors.usage('relay mode needs both --listen ADDR and --to HOST:PORT'));
      return await runRelay(values.listen, values.to, values.keylog, values.count, format, values.output);
    }
    const [target, ...extra] = positionals;
    if (target === undefined || extra.length > 0)
      throw new TlstermError(
        Errors.usage('trace needs one HOST:PORT', 'run `tlsterm trace example.com:443`'),
      );
    const { host, port } = parseTarget(target);
    const version: tls.SecureVersion | undefined = values['tls1.2']
      ? 'TLSv1.2'
      : values['tls1.3']
        ? 'TLSv1.3'
        : undefined;
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0))
      throw new TlstermError(
        Errors.usage(`--timeout ${values.timeout} is not a positive number of milliseconds`),
      );
    let ca: Buffer | undefined;
    if (values.ca !== undefined) {
      const { readFile } = await import('node:fs/promises');
      ca = await readFile(values.ca).catch((error: Error) => {
        throw new TlstermError(Errors.usage(`cannot read --ca ${values.ca}: ${error.message}`));
      });
    }
    const { session, capture } = await traceConnect({
      host,
      port,
      servername: values['no-sni'] ? false : values.sni,
      ...(version ? { minVersion: version, maxVersion: version } : {}),
      ...(values.cipher !== undefined ? { ciphers: values.cipher } : {}),
      ...(values.request !== undefined ? { request: values.request } : {}),
      ...(values.alpn !== undefined ? { alpn: values.alpn.split(',').map((s) => s.trim()) } : {}),
      ...(ca !== undefined ? { ca } : {}),
      ...(values.verify ? { verify: true } : {}),
      ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
    });
    if (values.verify && capture.tlsError !== null && !capture.chunks.some((c) => c.dir === 'server'))
      throw new TlstermError(Errors.traceConnect(`${host}:${port}`, capture.tlsError));
    await writeCaptureFiles(capture, { pcap: values.pcap, keyLog: values['keylog-out'] });
    await emit(renderReport({ sessions: [session] }, format, `tlsterm trace ${target}`), values.output);
    return session.decrypted ? 0 : 2;
  },
};

function parseTarget(text: string): { host: string; port: number } {
  const parsed = parseListenAddress(text);
  if (!parsed.ok || (parsed.value.host === '::' && !text.includes('[')) || parsed.value.port === 0)
    throw new TlstermError(Errors.traceTarget(text));
  return parsed.value;
}

async function emit(text: string, output: string | undefined): Promise<void> {
  process.stderr.write(SECRETS_WARNING);
  const out = reportOutput(output);
  out.replace(text);
  await out.close();
}

async function runRelay(
  listen: string,
  to: string,
  keyLogFile: string | undefined,
  countText: string | undefined,
  format: TraceFormat,
  output: string | undefined,
): Promise<number> {
  const at = parseListenAddress(listen);
  if (!at.ok) throw new TlstermError(Errors.usage(`--listen ${listen}: ${at.error}`));
  const target = parseTarget(to);
  const count = countText === undefined ? undefined : Number(countText);
  if (count !== undefined && !(count > 0))
    throw new TlstermError(Errors.usage(`--count ${countText} is not a positive number`));
  process.stderr.write(SECRETS_WARNING);
  const stopSignal = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  return await runTraceRelay({
    listenHost: at.value.host,
    listenPort: at.value.port,
    toHost: target.host,
    toPort: target.port,
    keyLogFile,
    count,
    format,
    output,
    stopSignal,
    onListening: (relayHost, port) => {
      const host = relayHost.includes(':') ? `[${relayHost}]` : relayHost;
      process.stderr.write(
        `tlsterm: relaying ${host}:${port} → ${target.host}:${target.port}${keyLogFile ? `, key log ${keyLogFile}` : ' (no --keylog: records stay encrypted)'}\n`,
      );
    },
  });
}
