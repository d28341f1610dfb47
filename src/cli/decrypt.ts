import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import process from 'node:process';
import { parseArgs } from '../builtins.ts';
import { Errors, TlstermError } from '../errors.ts';
import { decryptCaptureFile, isDecryptFormat, SECRETS_WARNING } from '../trace/index.ts';
import { EMPTY_KEY_LOG, parseKeyLog } from '../wire/index.ts';
import type { Command } from './command.ts';
import { commandHelp } from './help.ts';

const OPTIONS = `  --keylog FILE         NSS key log (SSLKEYLOGFILE); secrets embedded in a pcapng are used too
  --key FILE            the server's PEM private key: decrypts TLS 1.2 RSA key exchange sessions
                        (repeat for several servers); ECDHE and TLS 1.3 sessions need a key log
  --no-plaintext        leave decrypted bytes out of the JSON (plaintext_b64)
  --format FORMAT       text (default), json, jsonl (one JSON object per line) or html; all but
                        html stream: records are written as they are decrypted
  -o, --output FILE     write the report here instead of stdout
`;

export const decryptCommand: Command = {
  name: 'decrypt',
  usage: 'decrypt CAPTURE.pcap|.pcapng [--keylog FILE] [--key server-key.pem]',
  summary: `Decrypt the TLS sessions in a capture file (TCP reassembled, pcap or pcapng) with a key log, or
TLS 1.2 RSA key exchange sessions with the server's private key alone; explains each session that
cannot be decrypted (e.g. forward secrecy) and which key log line would. Same ladder, JSON and
HTML as trace. Reads a capture of any size as a stream; names bytes the capture does not have
instead of guessing. Exit 0 when every session decrypted, 2 when some did not, 1 on errors.`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        keylog: { type: 'string' },
        key: { type: 'string', multiple: true },
        'no-plaintext': { type: 'boolean' },
        format: { type: 'string', default: 'text' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(commandHelp(decryptCommand, OPTIONS));
      return 0;
    }
    const format = values.format ?? 'text';
    if (!isDecryptFormat(format))
      throw new TlstermError(
        Errors.usage(`unknown format "${format}"`, 'use --format text, json, jsonl or html'),
      );
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0)
      throw new TlstermError(
        Errors.usage(
          'decrypt needs one capture file',
          'run `tlsterm decrypt capture.pcapng --keylog keys.log`',
        ),
      );
    let keyLog = EMPTY_KEY_LOG;
    if (values.keylog !== undefined) {
      const path = values.keylog;
      const text = await readFile(path, 'utf8').catch((error: Error) => {
        throw new TlstermError(Errors.keyLogUnreadable(path, error.message));
      });
      keyLog = parseKeyLog(text);
      for (const p of keyLog.problems.slice(0, 5))
        process.stderr.write(`tlsterm: ${path}:${p.line}: ${p.message}\n`);
    }
    const rsaKeys: KeyObject[] = [];
    for (const path of values.key ?? []) {
      const pem = await readFile(path).catch((error: Error) => {
        throw new TlstermError(Errors.privateKeyUnreadable(path, error.message));
      });
      try {
        rsaKeys.push(createPrivateKey(pem));
      } catch (error) {
        throw new TlstermError(Errors.privateKeyUnreadable(path, (error as Error).message));
      }
    }
    const result = await decryptCaptureFile(file, {
      format,
      onStart: () => process.stderr.write(SECRETS_WARNING),
      keyLog,
      rsaKeys,
      title: `tlsterm decrypt ${file}`,
      ...(values.output !== undefined ? { output: values.output } : {}),
      ...(values['no-plaintext'] ? { includePlaintext: false } : {}),
    });
    if (!result.ok) throw new TlstermError(Errors.captureUnreadable(file, result.error));
    for (const w of result.value.warnings) process.stderr.write(`tlsterm: ${w}\n`);
    const { sessions, decrypted } = result.value;
    return sessions > 0 && decrypted === sessions ? 0 : 2;
  },
};
