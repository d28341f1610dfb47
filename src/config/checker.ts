// The checker every per-area check files its Problems with: a Problem sink with config lines, and
// the files a config names, read relative to the config file.

import fs from 'node:fs/promises';
import path from 'node:path';
import { type LoadPairResult, loadCertificatePair } from '../certs/load-pair.ts';
import type { CertificatePair } from '../certs/pair.ts';
import { pemBlocks } from '../certs/pem.ts';
import type { PoolPlan } from '../http/pools/index.ts';
import type { Problem, Severity } from '../problems.ts';
import type { CheckContext } from './check-context.ts';
import { joinPath, parsePath, type YamlSource } from './yaml-source.ts';

export interface CheckOptions {
  /** Clock for certificate validity; default now. */
  readonly now?: Date;
  /** Environment for the default state directory; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export class Checker implements CheckContext {
  readonly problems: Problem[] = [];
  /** Trusted besides the system store when certificate chains are checked; set once extra_ca is read. */
  extraCa: readonly string[] = [];
  /** Where ACME lineages live; set before the listeners are checked. */
  stateDir = '';
  /** `pools:` by name, checked before the listeners (routes name them). */
  pools: ReadonlyMap<string, PoolPlan> = new Map();
  /** Pools made for routes' inline `upstream:`. */
  readonly inlinePools: PoolPlan[] = [];
  private readonly baseDir: string;
  private readonly source: YamlSource;
  readonly file: string;
  readonly opts: CheckOptions;

  constructor(source: YamlSource, file: string, opts: CheckOptions) {
    this.source = source;
    this.file = file;
    this.opts = opts;
    this.baseDir = path.dirname(path.resolve(file));
  }

  add(severity: Severity, where: string, message: string, hint: string): void {
    const line = this.source.lineOf(parsePath(where));
    this.problems.push({ severity, path: where, ...(line !== undefined ? { line } : {}), message, hint });
  }

  lineOf(where: string): number | undefined {
    return this.source.lineOf(parsePath(where));
  }

  /** Re-home problems whose paths are relative to `prefix`. */
  adopt(prefix: string, problems: readonly Problem[]): void {
    for (const p of problems) this.add(p.severity, joinPath(prefix, p.path), p.message, p.hint);
  }

  resolveFile(p: string): string {
    return path.resolve(this.baseDir, p);
  }

  async readCaFiles(files: string | readonly string[], where: string): Promise<string[] | undefined> {
    const list = typeof files === 'string' ? [files] : files;
    const pems: string[] = [];
    let ok = true;
    for (const [i, f] of list.entries()) {
      const at = typeof files === 'string' ? where : `${where}[${i}]`;
      const full = this.resolveFile(f);
      try {
        const text = await fs.readFile(full, 'utf8');
        if (!pemBlocks(text).some((b) => b.label === 'CERTIFICATE')) {
          this.add(
            'error',
            at,
            `${full} holds no PEM certificate`,
            'point it at the CA certificate (BEGIN CERTIFICATE)',
          );
          ok = false;
        } else pems.push(text);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        this.add(
          'error',
          at,
          `cannot read CA file ${full}: ${code === 'ENOENT' ? 'file not found' : (code ?? 'read error')}`,
          'check the path (relative to the config file)',
        );
        ok = false;
      }
    }
    return ok ? pems : undefined;
  }

  async loadPair(cert: string, key: string, where: string): Promise<CertificatePair | undefined> {
    const loaded = await this.loadAbsolute(this.resolveFile(cert), this.resolveFile(key));
    this.adopt(where, loaded.problems);
    return loaded.pair;
  }

  /** A cert+key pair at absolute paths (the ACME lineage in the state directory), Problems returned. */
  loadAbsolute(certPath: string, keyPath: string): Promise<LoadPairResult> {
    return loadCertificatePair(certPath, keyPath, {
      ...(this.opts.now ? { now: this.opts.now } : {}),
      extraCa: this.extraCa,
    });
  }
}
