// `tlsterm check`: read a YAML config, validate it, and build the Plan `serve` runs. Every finding is a
// Problem with a config path, a line, a message and a hint; the plan is only returned when there is
// no error. Nothing here throws on bad input.

import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import * as v from 'valibot';
import { lineageName, lineagePaths, readLineage } from '../certs/acme/lineage.ts';
import { type IssueReason, issueReason } from '../certs/acme/renewal.ts';
import type { AcmePlan } from '../certs/acme/settings.ts';
import { checkAcmeSettings, directoryUrl } from '../certs/acme/settings.ts';
import { type LoadPairResult, loadCertificatePair } from '../certs/load-pair.ts';
import { coveredBy, parseHostPattern } from '../certs/names.ts';
import type { CertificatePair } from '../certs/pair.ts';
import { pemBlocks } from '../certs/pem.ts';
import { KEYLOG_DEFAULT_MAX_BYTES } from '../observe/keylog-writer.ts';
import type { Problem, Severity } from '../problems.ts';
import { hasErrors } from '../problems.ts';
import type { TlsPolicy } from '../tls/policy.ts';
import { checkPolicyAgainstCertificates, resolvePolicy } from '../tls/policy.ts';
import { closestNames, didYouMean } from '../tls/suggest.ts';
import { addressesClash, type ListenAddress, parseListenAddress } from './address.ts';
import type { CheckContext } from './check-context.ts';
import { checkClientAuth } from './client-auth-check.ts';
import { DEFAULTS, defaultStateDir } from './defaults.ts';
import { parseDuration } from './duration.ts';
import { checkLimits, checkTimeouts } from './limits-check.ts';
import type { Handler, HttpListenerPlan, ListenerPlan, Plan, SitePlan, Upstream } from './plan.ts';
import { checkSession, checkState } from './resumption-check.ts';
import { ConfigSchema, knownKeysAt, type RawConfig, type RawListener, type RawSite } from './schema.ts';
import { checkUpgrade } from './upgrade-check.ts';
import { checkUpstream } from './upstream-check.ts';
import { formatPath, joinPath, type PathKey, parsePath, parseYaml, type YamlSource } from './yaml-source.ts';

export interface CheckOptions {
  /** Clock for certificate validity; default now. */
  readonly now?: Date;
  /** Environment for the default state directory; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface CheckResult {
  /** Set when there is no error (warnings allowed). */
  readonly plan?: Plan;
  /** Unsorted; formatProblems sorts by line. */
  readonly problems: Problem[];
}

const HANDLERS = ['inspect'] as const;

/** Read, parse and check a config file. */
export async function checkConfigFile(file: string, opts: CheckOptions = {}): Promise<CheckResult> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (code ?? String(e));
    return {
      problems: [
        {
          severity: 'error',
          path: '',
          message: `cannot read config ${file}: ${why}`,
          hint: 'check the path and permissions, or run `tlsterm serve` without -c for the built-in default',
        },
      ],
    };
  }
  return checkConfigText(text, file, opts);
}

/** Check config text as if read from `file` (relative paths resolve from the file's directory). */
export async function checkConfigText(
  text: string,
  file: string,
  opts: CheckOptions = {},
): Promise<CheckResult> {
  const source = parseYaml(text);
  if (hasErrors(source.problems)) return { problems: source.problems };
  if (source.value === null || source.value === undefined) {
    return {
      problems: [
        ...source.problems,
        {
          severity: 'error',
          path: '',
          line: 1,
          message: 'the config is empty',
          hint: 'start from the example in docs/configuration.md (at least one listener with one site)',
        },
      ],
    };
  }
  const parsed = v.safeParse(ConfigSchema, source.value);
  if (!parsed.success) return { problems: [...source.problems, ...schemaProblems(parsed.issues, source)] };

  const checker = new Checker(source, file, opts);
  let plan: Plan | undefined;
  try {
    plan = await checker.run(parsed.output);
  } catch (e) {
    // A bug here must still come out as a Problem: `check` never crashes on a config.
    checker.problems.push({
      severity: 'error',
      path: '',
      message: `internal error while checking: ${e instanceof Error ? e.message : String(e)}`,
      hint: 'this is a tlsterm bug; please report it with the config (without private keys)',
    });
  }
  const problems = [...source.problems, ...checker.problems];
  return hasErrors(problems) || !plan ? { problems } : { plan, problems };
}

// --- schema issues → Problems

type Issue = v.InferIssue<typeof ConfigSchema>;

interface LooseIssue {
  readonly kind: string;
  readonly type: string;
  readonly expected: string | null;
  readonly received: string;
  readonly message: string;
  readonly path?: readonly { readonly key: unknown }[];
  readonly issues?: readonly LooseIssue[];
}

/**
 * A union's own issue says little; the issues of the option whose type matched say what is wrong.
 * Their paths are relative to the union's value, so they get the union's path in front.
 */
function flatten(issue: LooseIssue): LooseIssue[] {
  if (issue.type !== 'union' || !issue.issues) return [issue];
  const prefix = issue.path ?? [];
  const deeper = issue.issues.filter(
    (i) => (i.path?.length ?? 0) > 0 || (i.type === 'strict_object' && i.expected !== 'Object'),
  );
  if (deeper.length === 0) return [issue];
  return deeper.flatMap((i) => flatten({ ...i, path: [...prefix, ...(i.path ?? [])] }));
}

function schemaProblems(issues: readonly Issue[], source: YamlSource): Problem[] {
  const flat = (issues as readonly LooseIssue[]).flatMap(flatten);
  const problems: Problem[] = [];
  const suggested = new Set<string>();
  const missing: { keys: PathKey[]; key: string }[] = [];
  for (const issue of flat) {
    const keys = (issue.path ?? []).map((p) => p.key as PathKey);
    const pathText = formatPath(keys);
    const line = source.lineOf(keys);
    const at = (message: string, hint: string): void => {
      problems.push({
        severity: 'error',
        path: pathText,
        ...(line !== undefined ? { line } : {}),
        message,
        hint,
      });
    };
    const last = keys[keys.length - 1];
    if (issue.type === 'strict_object' && issue.expected === 'never' && typeof last === 'string') {
      const parent = keys.slice(0, -1);
      const known = knownKeysAt(parent);
      const best = closestNames(last, known, 1);
      for (const b of best) suggested.add(formatPath([...parent, b]));
      at(
        `unknown key '${last}'${didYouMean(best)}`,
        known.length > 0 ? `keys allowed here: ${known.join(', ')}` : 'remove it',
      );
    } else if (issue.type === 'strict_object' && issue.received === 'undefined' && typeof last === 'string') {
      missing.push({ keys, key: last });
    } else if (issue.type === 'strict_object' || issue.message.startsWith('Invalid type')) {
      at(
        keys.length === 0
          ? 'the config must be a mapping with a listeners list'
          : `${String(last)} has the wrong type: expected ${issue.expected ?? 'something else'}, got ${issue.received}`,
        'see docs/configuration.md for the shape of each key',
      );
    } else {
      at(
        `${issue.message}${issue.kind === 'schema' ? ` (got ${issue.received})` : ''}`,
        'see docs/configuration.md',
      );
    }
  }
  for (const m of missing) {
    // "unknown key 'adress'; did you mean 'address'?" already says it.
    if (suggested.has(formatPath(m.keys))) continue;
    const parentKeys = m.keys.slice(0, -1);
    const line = source.lineOf(parentKeys);
    problems.push({
      severity: 'error',
      path: formatPath(parentKeys),
      ...(line !== undefined ? { line } : {}),
      message: `missing required key '${m.key}'`,
      hint: `add ${m.key}: (see docs/configuration.md)`,
    });
  }
  return problems;
}

const durationOf = (value: string | number): number => {
  const d = parseDuration(value);
  return d.ok ? d.value : DEFAULTS.drainTimeoutMs;
};

// --- semantic checks

/** Why an ACME certificate on disk is replaced at start (placeholder and absence are said apart). */
const REORDER_REASONS: Readonly<Record<IssueReason, string>> = {
  'no-certificate': 'is missing',
  placeholder: 'is a placeholder',
  'key-mismatch': 'does not match its private key',
  'hosts-changed': 'does not cover every host of the site',
  expired: 'has expired',
};

const sameHosts = (a: readonly string[], b: readonly string[]): boolean => {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((h, i) => h === y[i]);
};

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await fs.access(file, fs.constants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

class Checker implements CheckContext {
  readonly problems: Problem[] = [];
  private extraCa: readonly string[] = [];
  private stateDir = '';
  private readonly baseDir: string;
  private readonly source: YamlSource;
  private readonly file: string;
  private readonly opts: CheckOptions;

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

  /** Re-home problems whose paths are relative to `prefix`. */
  private adopt(prefix: string, problems: readonly Problem[]): void {
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

  private loadAbsolute(certPath: string, keyPath: string): Promise<LoadPairResult> {
    return loadCertificatePair(certPath, keyPath, {
      ...(this.opts.now ? { now: this.opts.now } : {}),
      extraCa: this.extraCa,
    });
  }

  async run(raw: RawConfig): Promise<Plan | undefined> {
    const stateDir =
      raw.state_dir !== undefined ? this.resolveFile(raw.state_dir) : defaultStateDir(this.opts.env);
    const keylog = typeof raw.keylog === 'string' ? { file: raw.keylog } : raw.keylog;
    const keylogFile = keylog !== undefined ? this.resolveFile(keylog.file) : undefined;
    const keylogMaxBytes = keylog?.max_bytes ?? KEYLOG_DEFAULT_MAX_BYTES;
    if (keylogFile !== undefined) {
      this.add(
        'warning',
        'keylog',
        `keylog is on: the TLS secrets of every connection are written to ${keylogFile}; whoever reads it can decrypt the traffic`,
        'use it only while debugging (e.g. with Wireshark), then remove the key',
      );
    }
    this.extraCa = await this.loadExtraCa(raw.extra_ca ?? [], stateDir);

    const listeners: ListenerPlan[] = [];
    const httpListeners: HttpListenerPlan[] = [];
    this.stateDir = stateDir;
    const seenAddresses: { address: ListenAddress; index: number }[] = [];
    const seenNames = new Map<string, number>();
    for (const [i, rawListener] of raw.listeners.entries()) {
      const lp = `listeners[${i}]`;
      const address = parseListenAddress(rawListener.address);
      if (!address.ok) {
        this.add('error', `${lp}.address`, address.error, 'write host:port, [::1]:port or :port');
      } else {
        const clash = seenAddresses.find((s) => addressesClash(s.address, address.value));
        if (clash) {
          this.add(
            'error',
            `${lp}.address`,
            `address ${rawListener.address} is already used by listeners[${clash.index}]`,
            'each listener needs its own host:port; put the sites of both under one listener',
          );
        }
        seenAddresses.push({ address: address.value, index: i });
      }
      const name = rawListener.name ?? rawListener.address;
      const sameName = seenNames.get(name);
      if (sameName !== undefined && rawListener.name !== undefined) {
        this.add(
          'error',
          `${lp}.name`,
          `listener name '${name}' is already used by listeners[${sameName}]`,
          'give each listener a unique name',
        );
      }
      seenNames.set(name, i);

      if (rawListener.http !== undefined) {
        this.httpListener(lp, rawListener, name, address.ok ? address.value : undefined, httpListeners);
        continue;
      }
      if (rawListener.sites === undefined) {
        this.add(
          'error',
          lp,
          "missing required key 'sites'",
          'add sites: (a TLS listener), or http: { redirect_https: true } for a plain-HTTP listener',
        );
        continue;
      }

      const policyResult = resolvePolicy(rawListener.tls ?? {});
      this.adopt(`${lp}.tls`, policyResult.problems);

      const timeouts = checkTimeouts(this, lp, rawListener);
      const limits = checkLimits(this, lp, rawListener);

      const resumption = checkSession(this, `${lp}.session`, rawListener.session);
      const sites = await this.sites(
        lp,
        rawListener.sites,
        rawListener.tls !== undefined,
        policyResult.policy,
      );
      if (address.ok && policyResult.policy && sites) {
        listeners.push({
          name,
          host: address.value.host,
          port: address.value.port,
          policy: policyResult.policy,
          strictSni: rawListener.strict_sni ?? false,
          sites,
          handshakeTimeoutMs: timeouts.handshakeMs,
          timeouts,
          limits,
          maxClientHelloBytes: rawListener.max_client_hello_bytes ?? DEFAULTS.maxClientHelloBytes,
          resumption,
        });
      }
    }

    this.acmeCrossChecks(listeners, httpListeners);
    const state = await checkState(this, raw.state);
    const drainTimeoutMs =
      raw.drain_timeout !== undefined ? durationOf(raw.drain_timeout) : DEFAULTS.drainTimeoutMs;
    if (drainTimeoutMs === 0)
      this.add(
        'warning',
        'drain_timeout',
        'drain_timeout 0: a reload or stop cuts every open connection at once',
        'give requests in flight time to finish, e.g. drain_timeout: 30s',
      );
    if (hasErrors(this.problems)) return undefined;
    return {
      source: path.resolve(this.file),
      stateDir,
      workers: raw.workers ?? 'auto',
      drainTimeoutMs,
      state,
      listeners,
      httpListeners,
      extraCa: this.extraCa,
      ...(keylogFile !== undefined ? { keylogFile, keylogMaxBytes } : {}),
    };
  }

  /** extra_ca files, plus the local development CA when it exists in the state directory. */
  private async loadExtraCa(files: readonly string[], stateDir: string): Promise<string[]> {
    const pems: string[] = [];
    for (const [i, f] of files.entries()) pems.push(...((await this.readCaFiles(f, `extra_ca[${i}]`)) ?? []));
    try {
      pems.push(await fs.readFile(path.join(stateDir, 'ca', 'ca.pem'), 'utf8'));
    } catch {
      // No local CA yet: nothing to trust.
    }
    return pems;
  }

  private async sites(
    lp: string,
    rawSites: readonly RawSite[],
    listenerHasTls: boolean,
    listenerPolicy: TlsPolicy | undefined,
  ): Promise<SitePlan[] | undefined> {
    const plans: SitePlan[] = [];
    const hostOwner = new Map<string, number>();
    let defaultIndex: number | undefined;
    let ok = true;

    for (const [j, site] of rawSites.entries()) {
      const sp = `${lp}.sites[${j}]`;
      const before = this.problems.length;

      // hosts
      const hosts: string[] = [];
      for (const [k, rawHost] of site.hosts.entries()) {
        const parsed = parseHostPattern(rawHost);
        if (!parsed.ok) {
          this.add(
            'error',
            `${sp}.hosts[${k}]`,
            `invalid host '${rawHost}': ${parsed.error}`,
            'use a DNS name, *.name, or an IP address',
          );
          continue;
        }
        if (hosts.includes(parsed.value)) {
          this.add(
            'warning',
            `${sp}.hosts[${k}]`,
            `host '${rawHost}' is listed twice`,
            'remove the duplicate',
          );
          continue;
        }
        const owner = hostOwner.get(parsed.value);
        if (owner !== undefined) {
          this.add(
            'error',
            `${sp}.hosts[${k}]`,
            `host '${rawHost}' is already served by ${lp}.sites[${owner}]`,
            'a name can belong to one site per listener; remove it from one of them',
          );
        }
        hostOwner.set(parsed.value, j);
        hosts.push(parsed.value);
      }

      // default
      if (site.default === true) {
        if (defaultIndex !== undefined) {
          this.add(
            'error',
            `${sp}.default`,
            `a second default site: ${lp}.sites[${defaultIndex}] is already the default`,
            'keep default: true on one site per listener',
          );
        } else defaultIndex = j;
      }

      const mode = site.mode ?? 'terminate';
      if (mode === 'passthrough') this.passthroughUnused(sp, site);

      // upstream xor handler
      const target = await this.target(sp, site, mode);

      // alpn: HTTP sites offer h2 and http/1.1; a tcp:// site offers nothing unless told
      const defaultAlpn =
        target && 'upstream' in target && target.upstream.kind === 'tcp' ? [] : DEFAULTS.alpn;
      const alpn = mode === 'passthrough' ? [] : [...(site.alpn ?? defaultAlpn)];
      if (site.alpn !== undefined && mode === 'terminate') {
        if (alpn.length === 0) {
          this.add(
            'error',
            `${sp}.alpn`,
            'alpn is an empty list',
            'remove the key for the default [h2, http/1.1]',
          );
        }
        alpn.forEach((proto, k) => {
          const bytes = Buffer.byteLength(proto);
          if (bytes === 0 || bytes > 255) {
            this.add(
              'error',
              `${sp}.alpn[${k}]`,
              `ALPN protocol '${proto}' must be 1 to 255 bytes`,
              'e.g. h2, http/1.1',
            );
          } else if (alpn.indexOf(proto) !== k) {
            this.add(
              'warning',
              `${sp}.alpn[${k}]`,
              `ALPN protocol '${proto}' is listed twice`,
              'remove the duplicate',
            );
          }
        });
      }

      // certificates
      const pairs: CertificatePair[] = [];
      let allLoaded = true;
      const acme = site.acme !== undefined ? await this.acmeSettings(sp, site, hosts) : undefined;
      if (mode === 'passthrough' || acme !== undefined) {
        // passthrough: the upstream holds the certificates; ACME: tlsterm obtains them
      } else if (site.acme !== undefined) {
        allLoaded = false; // acme settings had errors
      } else if (site.certificates === undefined || site.certificates.length === 0) {
        this.add(
          'error',
          site.certificates === undefined ? sp : `${sp}.certificates`,
          'the site has no certificates',
          'add certificates: [{ cert: fullchain.pem, key: privkey.pem }] (paths relative to the config file)',
        );
        allLoaded = false;
      }
      if (acme !== undefined) {
        const onDisk = await this.acmeCertificateOnDisk(sp, acme, hosts);
        if (onDisk) pairs.push(onDisk);
      }
      for (const [k, entry] of (mode === 'passthrough' || site.acme !== undefined
        ? []
        : (site.certificates ?? [])
      ).entries()) {
        const pair = await this.loadPair(entry.cert, entry.key, `${sp}.certificates[${k}]`);
        if (!pair) {
          allLoaded = false;
          continue;
        }
        const sameType = pairs.findIndex((p) => p.keyType === pair.keyType);
        if (sameType >= 0) {
          this.add(
            'warning',
            `${sp}.certificates[${k}]`,
            `a second ${pair.keyType.toUpperCase()} certificate: OpenSSL keeps one certificate per key type, so certificates[${sameType}] is never served`,
            'keep one EC and/or one RSA certificate per site',
          );
        }
        pairs.push(pair);
      }

      // every host covered
      if (allLoaded && pairs.length > 0) {
        site.hosts.forEach((rawHost, k) => {
          const parsed = parseHostPattern(rawHost);
          if (!parsed.ok) return;
          const covering = pairs.filter((p) => coveredBy(parsed.value, p.sans));
          if (covering.length === 0) {
            const sans = [...new Set(pairs.flatMap((p) => p.sans))];
            this.add(
              'error',
              `${sp}.hosts[${k}]`,
              `host '${rawHost}' is not covered by the site's certificate${pairs.length > 1 ? 's' : ''} (they name: ${sans.join(', ') || 'no DNS or IP names'})`,
              net.isIP(parsed.value)
                ? `an IP host needs an IP SAN; get a certificate for ${parsed.value} or remove the host`
                : parsed.value.startsWith('*.')
                  ? `a wildcard host needs the SAN ${parsed.value} itself; get such a certificate or list concrete names`
                  : parsed.value.split('.').length > 2
                    ? `get a certificate that names ${parsed.value} (or a *.${parsed.value.split('.').slice(1).join('.')} wildcard), or remove the host`
                    : `get a certificate that names ${parsed.value}, or remove the host`,
            );
          } else if (covering.length < pairs.length) {
            const missingTypes = pairs
              .filter((p) => !covering.includes(p))
              .map((p) => p.keyType.toUpperCase());
            this.add(
              'warning',
              `${sp}.hosts[${k}]`,
              `host '${rawHost}' is not covered by the site's ${missingTypes.join('/')} certificate: clients that choose it get a name mismatch`,
              'give every certificate of the site the same names',
            );
          }
        });
      }

      // policy: the site's own (narrowing the listener's), then against its certificates
      let policy = listenerPolicy;
      if (site.tls !== undefined && listenerPolicy) {
        const result = resolvePolicy(site.tls, listenerPolicy);
        this.adopt(`${sp}.tls`, result.problems);
        policy = result.policy;
      }
      if (policy && pairs.length > 0) {
        const where =
          site.tls !== undefined
            ? `${sp}.tls${site.tls.ciphers ? '.ciphers' : ''}`
            : listenerHasTls
              ? `${lp}.tls`
              : `${sp}.certificates`;
        for (const p of checkPolicyAgainstCertificates(
          policy,
          pairs.map((x) => x.keyType),
        )) {
          this.add(p.severity, where, p.message, p.hint);
        }
      }

      const clientAuth = await checkClientAuth(this, sp, site.client_auth, mode);
      const upgrade = checkUpgrade(
        this,
        sp,
        site.upgrade,
        mode === 'terminate' && !(target && 'upstream' in target && target.upstream.kind === 'tcp'),
      );

      const siteHasErrors = hasErrors(this.problems.slice(before));
      if (siteHasErrors || !policy || !target || !clientAuth.ok) {
        ok = false;
        continue;
      }
      plans.push({
        id: sp,
        hosts,
        isDefault: false,
        mode,
        certificates: pairs,
        policy,
        ...target,
        alpn,
        ...(clientAuth.value !== undefined ? { clientAuth: clientAuth.value } : {}),
        ...(upgrade !== undefined ? { upgrade } : {}),
        ...(acme !== undefined ? { acme } : {}),
      });
    }

    if (!ok) return undefined;
    // Without an explicit default, the first site answers clients that send no (or an unknown) SNI.
    const chosen = defaultIndex ?? 0;
    return plans.map((p, j) => (j === chosen ? { ...p, isDefault: true } : p));
  }

  private async target(
    sp: string,
    site: RawSite,
    mode: 'terminate' | 'passthrough',
  ): Promise<{ upstream: Upstream } | { handler: Handler } | undefined> {
    if (site.upstream !== undefined && site.handler !== undefined) {
      this.add(
        'error',
        sp,
        'the site has both upstream and handler',
        'keep one: upstream proxies to a server, handler answers itself',
      );
      return undefined;
    }
    if (site.upstream === undefined && site.handler === undefined) {
      this.add(
        'error',
        sp,
        mode === 'passthrough'
          ? 'a passthrough site needs an upstream'
          : 'the site has neither upstream nor handler',
        mode === 'passthrough'
          ? 'add upstream: tcp://HOST:PORT (the server that terminates TLS for these names)'
          : 'add upstream: http://127.0.0.1:3000 (proxy) or handler: inspect (show the TLS handshake)',
      );
      return undefined;
    }
    if (site.handler !== undefined) {
      if (mode === 'passthrough') {
        this.add(
          'error',
          `${sp}.handler`,
          'a passthrough site cannot have a handler: tlsterm never decrypts its traffic',
          'remove handler and give an upstream: tcp://HOST:PORT, or use mode: terminate',
        );
        return undefined;
      }
      if ((HANDLERS as readonly string[]).includes(site.handler)) return { handler: { kind: 'inspect' } };
      this.add(
        'error',
        `${sp}.handler`,
        `unknown handler '${site.handler}'${didYouMean(closestNames(site.handler, HANDLERS))}`,
        `handlers: ${HANDLERS.join(', ')}`,
      );
      return undefined;
    }
    if (site.upstream === undefined) return undefined;
    const upstream = await checkUpstream(this, sp, site.upstream, mode);
    return upstream ? { upstream } : undefined;
  }

  private httpListener(
    lp: string,
    raw: RawListener,
    name: string,
    address: ListenAddress | undefined,
    out: HttpListenerPlan[],
  ): void {
    for (const key of ['sites', 'tls', 'strict_sni', 'max_client_hello_bytes'] as const) {
      if (raw[key] !== undefined) {
        this.add(
          'error',
          `${lp}.${key}`,
          `a plain-HTTP listener (http:) has no ${key}: it answers ACME HTTP-01 challenges and redirects to HTTPS`,
          `remove ${key}, or remove http: to make this a TLS listener`,
        );
      }
    }
    if (address === undefined) return;
    out.push({
      name,
      host: address.host,
      port: address.port,
      redirectHttps: raw.http?.redirect_https ?? true,
      httpsPort: raw.http?.https_port ?? 443,
    });
  }

  private async acmeSettings(
    sp: string,
    site: RawSite,
    hosts: readonly string[],
  ): Promise<AcmePlan | undefined> {
    const raw = site.acme;
    if (raw === undefined) return undefined;
    let ok = true;
    if (site.certificates !== undefined) {
      this.add(
        'error',
        `${sp}.certificates`,
        'a site has either certificates or acme, not both',
        'remove certificates to let tlsterm obtain them over ACME, or remove acme',
      );
      ok = false;
    }
    if (site.mode === 'passthrough') {
      this.add('error', `${sp}.acme`, 'a passthrough site holds no certificate', 'remove acme');
      ok = false;
    }
    const challenge = raw.challenge ?? 'http-01';
    const dnsHook = raw.dns_hook !== undefined ? this.resolveFile(raw.dns_hook) : undefined;
    // The ACME library's own rules (one wording for check and the manager): a directory URL or a
    // CA name (letsencrypt, letsencrypt-staging), the email, wildcards need dns-01, no IP hosts.
    const settings = {
      directory: raw.directory,
      challenge,
      ...(raw.email !== undefined ? { email: raw.email } : {}),
      ...(dnsHook !== undefined ? { dns_hook: dnsHook } : {}),
    };
    for (const p of checkAcmeSettings(hosts, settings, `${sp}.acme`)) {
      this.add(p.severity, p.path, p.message, p.hint);
      if (p.severity === 'error') ok = false;
    }
    if (dnsHook !== undefined && challenge === 'dns-01' && !(await isExecutableFile(dnsHook))) {
      this.add(
        'error',
        `${sp}.acme.dns_hook`,
        `dns_hook ${dnsHook} is not an executable file`,
        'give the path of the hook command (relative paths start at the config file) and make it executable (chmod +x)',
      );
      ok = false;
    }
    let caPem: string | undefined;
    if (raw.ca !== undefined) {
      caPem = (await this.readCaFiles(raw.ca, `${sp}.acme.ca`))?.join('\n');
      if (caPem === undefined) ok = false;
    }
    if (!ok || hosts.length === 0) return undefined;
    return {
      directory: directoryUrl(raw.directory),
      challenge,
      // The certificate manager's own rule, so both look in the same live/ directory.
      lineage: lineageName(hosts),
      ...(raw.email !== undefined ? { email: raw.email } : {}),
      ...(caPem !== undefined ? { caPem } : {}),
      ...(dnsHook !== undefined ? { dnsHook } : {}),
    };
  }

  /**
   * The certificate a previous run obtained, when it is on disk and usable. Whatever is there, an
   * ACME site is no error: `serve` writes a placeholder and orders what is missing; check says so.
   */
  private async acmeCertificateOnDisk(
    sp: string,
    acme: AcmePlan,
    hosts: readonly string[],
  ): Promise<CertificatePair | undefined> {
    const live = lineagePaths(this.stateDir, acme.lineage);
    const where = `${sp}.acme`;
    const current = await readLineage(this.stateDir, acme.lineage);
    if (current === undefined) {
      this.add(
        'warning',
        where,
        `no certificate in ${live.liveDir} yet: \`tlsterm serve\` obtains one at its first start (${acme.challenge}) and serves a self-signed placeholder until then`,
        'nothing to do if the CA can reach this host; `tlsterm cert status` shows how the order went',
      );
      return undefined;
    }
    if (current.selfSigned) {
      this.add(
        'warning',
        where,
        `${live.liveDir} holds the self-signed placeholder: the first ACME issuance has not succeeded yet`,
        "clients see a certificate warning until it does; `tlsterm cert status` shows the last attempt's error",
      );
      return (await this.loadAbsolute(live.fullchain, live.privkey)).pair;
    }
    const reason = issueReason(current, hosts, this.opts.now ?? new Date());
    if (reason !== undefined) {
      this.add(
        'warning',
        where,
        `the certificate in ${live.liveDir} ${REORDER_REASONS[reason]}: \`tlsterm serve\` orders a new one at start`,
        'it serves the one on disk until the new one is issued',
      );
      return undefined;
    }
    const loaded = await this.loadAbsolute(live.fullchain, live.privkey);
    const why = loaded.problems.find((p) => p.severity === 'error');
    if (loaded.pair === undefined && why !== undefined) {
      this.add(
        'warning',
        where,
        `the certificate in ${live.liveDir} does not pass the checks hot reload makes: ${why.message}`,
        `${why.hint}; until then a renewed certificate is refused and the old one keeps serving`,
      );
    }
    return loaded.pair;
  }

  /** ACME needs a way in for the CA: say so at check time, not at the first failed order. */
  private acmeCrossChecks(
    listeners: readonly ListenerPlan[],
    httpListeners: readonly HttpListenerPlan[],
  ): void {
    // One live/<name>/ per set of hosts: two host sets under one name would replace each other's files.
    const lineages = new Map<string, SitePlan>();
    for (const l of listeners) {
      for (const site of l.sites) {
        if (site.acme === undefined) continue;
        const first = lineages.get(site.acme.lineage);
        if (first === undefined) lineages.set(site.acme.lineage, site);
        else if (!sameHosts(first.hosts, site.hosts)) {
          this.add(
            'error',
            `${site.id}.acme`,
            `this site and ${first.id} would share the ACME certificate live/${site.acme.lineage}/ with different hosts, so each order would replace the other's certificate`,
            'give both sites the same hosts (one certificate then serves both), or list a different host first in one of them',
          );
        }
      }
    }
    for (const l of listeners) {
      for (const site of l.sites) {
        if (site.acme?.challenge === 'http-01' && httpListeners.length === 0) {
          this.add(
            'warning',
            `${site.id}.acme`,
            'challenge http-01: the CA connects to port 80, but no listener has http: {}',
            'add a listener { address: 0.0.0.0:80, http: { redirect_https: true } }',
          );
        }
        if (site.acme?.challenge === 'tls-alpn-01' && l.port !== 443) {
          this.add(
            'warning',
            `${site.id}.acme`,
            `challenge tls-alpn-01: the CA connects to port 443, but this listener is on ${l.port}`,
            'put the site on a listener at :443 (or use http-01 / dns-01)',
          );
        }
      }
    }
  }

  /** Settings a passthrough site cannot use: say so instead of ignoring them. */
  private passthroughUnused(sp: string, site: RawSite): void {
    if (site.certificates !== undefined) {
      this.add(
        'warning',
        `${sp}.certificates`,
        'a passthrough site needs no certificate or key: the upstream terminates TLS with its own',
        'remove certificates (and keep the private key only where the upstream runs)',
      );
    }
    if (site.tls !== undefined) {
      this.add(
        'warning',
        `${sp}.tls`,
        'tls settings have no effect on a passthrough site: the upstream negotiates',
        'remove tls here and set the policy on the upstream server',
      );
    }
    if (site.alpn !== undefined) {
      this.add(
        'warning',
        `${sp}.alpn`,
        'alpn has no effect on a passthrough site: the upstream chooses the protocol',
        'remove alpn',
      );
    }
  }
}
