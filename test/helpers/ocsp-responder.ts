// A real OCSP responder on loopback: `openssl ocsp -port` over an index.txt the test writes (V =
// good, R = revoked), signed by the issuing CA itself or by a delegated responder certificate.
//
//   const port = await freePort();
//   const leaf = await pki.issue(names, { ocspUrl: ocspUrlFor(port) });
//   const r = await startOcspResponder(dir, { port, caPath, signerPath, signerKeyPem,
//     statuses: [{ certPem: leaf.certPem, status: 'good' }] });  … r.stop()
// The index is written before the responder starts: openssl reads it then (a later change is
// picked up only on a later request, so tests do not rely on it).

import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stopChild } from './net.ts';

export interface OcspResponder {
  readonly url: string;
  readonly port: number;
  /** Start again after stop() (same port, same index). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ResponderOptions {
  /** The CA that issued the certificates asked about. */
  readonly caPath: string;
  /** Who signs: the CA itself, or a delegated responder. */
  readonly signerPath: string;
  readonly signerKeyPem: string;
  /** Response validity (`-nmin`); default 60 minutes. */
  readonly validMinutes?: number;
  /** Port to listen on: the URL the certificates name (ocspUrlFor(port)). */
  readonly port: number;
  readonly statuses: readonly { readonly certPem: string; readonly status: 'good' | 'revoked' }[];
}

export const ocspUrlFor = (port: number): string => `http://127.0.0.1:${port}/`;

function indexRow(certPem: string, status: 'good' | 'revoked'): string {
  const cert = new crypto.X509Certificate(certPem);
  const subject = `/${cert.subject.split('\n').join('/')}`;
  // index.txt: status, expiry, revocation time (R only), serial, file, subject.
  return status === 'good'
    ? `V\t351231235959Z\t\t${cert.serialNumber}\tunknown\t${subject}`
    : `R\t351231235959Z\t200101000000Z\t${cert.serialNumber}\tunknown\t${subject}`;
}

export async function startOcspResponder(dir: string, options: ResponderOptions): Promise<OcspResponder> {
  fs.mkdirSync(dir, { recursive: true });
  const index = path.join(dir, 'index.txt');
  const keyPath = path.join(dir, 'responder-key.pem');
  fs.writeFileSync(keyPath, options.signerKeyPem, { mode: 0o600 });
  fs.writeFileSync(index, options.statuses.map((s) => `${indexRow(s.certPem, s.status)}\n`).join(''));
  fs.writeFileSync(`${index}.attr`, 'unique_subject = no\n');
  const port = options.port;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'openssl',
      [
        ...['ocsp', '-index', index, '-port', String(port), '-CA', options.caPath],
        ...['-rsigner', options.signerPath, '-rkey', keyPath, '-nmin', String(options.validMinutes ?? 60)],
        '-ignore_err',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // Not a connect probe: with -ignore_err, openssl ocsp waits forever on a connection that sends
    // nothing (measured), and it serves one connection at a time.
    const proc = child;
    await new Promise<void>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`openssl ocsp did not listen: ${text}`)), 10_000);
      proc.stderr?.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('waiting for OCSP client connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`openssl ocsp exited (${code}): ${text}`));
      });
    });
  };
  await start();
  return {
    url: ocspUrlFor(port),
    port,
    start,
    async stop() {
      if (child) await stopChild(child);
      child = undefined;
    },
  };
}
