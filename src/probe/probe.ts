// The scan: versions first (every later probe depends on which are spoken), then everything else
// at once through one bounded pool of connections, then the pure parts: chain analysis and grade.
import dns from 'node:dns/promises';
import net from 'node:net';
import { Errors, TlstermError } from '../errors.ts';
import { probeAlpn } from './alpn.ts';
import { type ChainSample, collectChains } from './certificates.ts';
import { analyzeChain } from './chain.ts';
import { createContext } from './context.ts';
import { explainFailure } from './failure.ts';
import { probeFallbackScsv, probeFeatures } from './features.ts';
import { notTested } from './finding.ts';
import { type Findings, gradeFindings } from './grade.ts';
import { probeGroups } from './groups.ts';
import { probeHsts } from './hsts.ts';
import { keyShareFor } from './key-shares.ts';
import { readOcspResponse } from './ocsp.ts';
import { TLS10, TLS12, TLS13 } from './offer.ts';
import { createPool } from './pool.ts';
import { probeClientRenegotiation } from './renegotiation.ts';
import type { ProbeReport, ServedCertificate, SuiteOrderFinding, VersionName } from './report.ts';
import { probeResumption12, probeResumption13 } from './resumption.ts';
import { probeSigalgs } from './sigalgs.ts';
import { suiteFinding } from './suite-finding.ts';
import { enumerateSuites } from './suites.ts';
import { parseTarget } from './target.ts';
import { systemTrustStore, trustStoreFromPem } from './trust-store.ts';
import { probeVersions, tls13Group } from './versions.ts';

export interface ProbeOptions {
  /** SNI to send; default the target's host name (none for an IP target). */
  readonly sni?: string | undefined;
  /** PEM trust anchors (the --ca file's text); default Node's CA store. */
  readonly ca?: string | undefined;
  /** How the report names the --ca store (its file name). */
  readonly caLabel?: string | undefined;
  /** Per-connection timeout; default 3000 ms. */
  readonly timeoutMs?: number | undefined;
  /** Connections open at once; default 12. */
  readonly concurrency?: number | undefined;
  /** Send `GET /` for HSTS; default true. */
  readonly http?: boolean | undefined;
  /** Clock for certificate dates. */
  readonly now?: Date | undefined;
}

export const DEFAULT_CONCURRENCY = 12;
export const DEFAULT_TIMEOUT_MS = 3000;

const DEFAULT_SHARES = [0x11ec, 29, 23];

export async function probe(target: string, options: ProbeOptions = {}): Promise<ProbeReport> {
  const started = Date.now();
  const parsed = parseTarget(target);
  if (!parsed.ok) throw new TlstermError(Errors.probeTarget(target, parsed.error));
  const t = parsed.value;
  let address = t.host;
  if (!t.isIp) {
    try {
      address = (await dns.lookup(t.host)).address;
    } catch (e) {
      throw new TlstermError(Errors.probeResolve(t.host, (e as NodeJS.ErrnoException).code ?? String(e)));
    }
  }
  // RFC 6066 §3: SNI carries host names only; an IP given as --sni is the name to check, not sent.
  const asked = options.sni?.trim().toLowerCase();
  const sni = asked !== undefined ? (net.isIP(asked) ? undefined : asked) : t.isIp ? undefined : t.host;
  const name = asked ?? t.host;
  const endpoint = { address, port: t.port, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  const pool = createPool(options.concurrency ?? DEFAULT_CONCURRENCY);
  const first = createContext(endpoint, pool, sni);

  const versions = await probeVersions(first);
  const connectError = versions.find((v) => v.outcome.kind === 'connect-error');
  if (connectError && versions.every((v) => v.outcome.kind === 'connect-error')) {
    const o = connectError.outcome as { code: string };
    throw new TlstermError(Errors.probeConnect(t.label, o.code));
  }
  const versionMap = Object.fromEntries(versions.map((v) => [v.name, v.accepted])) as Record<
    VersionName,
    boolean
  >;
  const acceptedIds = versions.filter((v) => v.accepted).map((v) => v.id);
  const base = {
    target: t.label,
    address,
    sni: sni ?? null,
    started_at: new Date(started).toISOString(),
    versions: versionMap,
    versions_not_tested: Object.fromEntries(
      versions.flatMap((v) => (v.notTested !== undefined ? [[v.name, v.notTested]] : [])),
    ),
  };

  if (acceptedIds.length === 0) {
    const withoutSni = sni !== undefined ? await probeVersions(first, undefined) : undefined;
    const findings: Findings = {
      ...base,
      elapsed_ms: Date.now() - started,
      connections: pool.started,
      ...empty('no TLS handshake succeeded'),
      failure: explainFailure(versions, sni, withoutSni),
      notes: [],
    };
    return { ...findings, ...gradeFindings(findings) };
  }

  // Later TLS 1.3 probes also carry a share for the group the server picked, so they are answered
  // without a HelloRetryRequest when we can make that share.
  const picked = tls13Group(versions);
  const shares =
    picked !== undefined && keyShareFor(picked) !== undefined && !DEFAULT_SHARES.includes(picked)
      ? [...DEFAULT_SHARES, picked]
      : DEFAULT_SHARES;
  const ctx = createContext(endpoint, pool, sni, shares);
  const tls13 = versionMap['TLS1.3'];
  const legacy = Math.max(0, ...acceptedIds.filter((v) => v < TLS13));
  const accepted = versions.filter((v) => v.accepted);
  const legacyName = versions.find((v) => v.id === legacy)?.name;
  const hostHeader = `${t.isIp && t.host.includes(':') ? `[${t.host}]` : (sni ?? t.host)}${t.port === 443 ? '' : `:${t.port}`}`;

  const [suites, groups, sig12, sig13, samples, features, fallback, alpn, res12, res13, hsts, reneg] =
    await Promise.all([
      Promise.all(accepted.map(async (v) => ({ v, e: await enumerateSuites(ctx, v.id) }))),
      probeGroups(ctx, tls13, legacy),
      versionMap['TLS1.2'] ? probeSigalgs(ctx, TLS12) : Promise.resolve(null),
      tls13 ? probeSigalgs(ctx, TLS13) : Promise.resolve(null),
      collectChains(ctx, legacy),
      probeFeatures(ctx, legacy),
      probeFallbackScsv(ctx, acceptedIds),
      probeAlpn(ctx, legacy),
      legacy >= TLS10 ? probeResumption12(ctx, legacy) : Promise.resolve(null),
      tls13 ? probeResumption13(ctx) : Promise.resolve(null),
      options.http === false
        ? Promise.resolve(notTested('--no-http: GET / was not sent'))
        : probeHsts(ctx, hostHeader),
      probeClientRenegotiation(ctx, legacy),
    ]);

  const store =
    options.ca !== undefined ? trustStoreFromPem(options.ca, options.caLabel ?? '--ca') : systemTrustStore();
  const served: ServedCertificate[] = samples.map((s: ChainSample) => {
    const chain = analyzeChain(s.ders, {
      store,
      name: s.sni ?? name,
      order: s.order,
      ...(options.now ? { now: options.now } : {}),
    });
    return {
      sni: s.sni,
      served_for_name: s.sni === (sni ?? null),
      offered: s.offered,
      key: chain.certificates[0]?.key ?? 'unknown',
      chain,
      ocsp: readOcspResponse(s.ocsp),
    };
  });
  const forName = served.filter((c) => c.served_for_name);
  const primary = forName.find((c) => c.offered === 'any') ?? forName[0];

  const byVersion = Object.fromEntries(suites.map(({ v, e }) => [v.name, e.order.map(suiteFinding)]));
  const orderByVersion = Object.fromEntries(suites.map(({ v, e }) => [v.name, e.serverOrder]));
  // The highest version where the order could be tested, else why the highest could not.
  const byHighest = [...suites].sort((a, b) => b.v.id - a.v.id);
  const serverOrder: SuiteOrderFinding =
    byHighest.find(({ e }) => e.serverOrder.state !== 'not_tested')?.e.serverOrder ??
    byHighest[0]?.e.serverOrder ??
    notTested('no suite accepted');
  const notes: string[] = [];
  if (legacy === 0) {
    notes.push(
      "TLS 1.3 only: the chain was read through Node's client, which re-orders it (order on the wire unknown)",
    );
  }
  for (const [v, sig] of [
    ['TLS1.2', sig12],
    ['TLS1.3', sig13],
  ] as const)
    if (sig?.notTested) notes.push(`${v} signature algorithms not tested: ${sig.notTested}`);
  if (alpn.notTested) notes.push(`ALPN not tested: ${alpn.notTested}`);
  if (primary?.ocsp?.stapled !== true)
    notes.push(
      primary ? 'no OCSP response stapled' : 'OCSP stapling not tested: no certificate could be read',
    );
  if (legacy > 0 && served.length > 0 && served.every((c) => c.chain.certificates[0]?.key_type === 'EC'))
    notes.push(
      "TLS 1.2 curves: with only ECDSA certificates the certificate's own curve must be offered too, so curves the server ranks below it cannot be confirmed",
    );
  if (versionMap['TLS1.3'] && groups.groups.some((g) => g.tls13 && g.hrr))
    notes.push(
      `clients that send only an X25519 key share are asked to retry for ${groups.groups
        .filter((g) => g.tls13 && g.hrr)
        .map((g) => g.name)
        .join(', ')} (one extra round trip)`,
    );

  const findings: Findings = {
    ...base,
    elapsed_ms: Date.now() - started,
    connections: pool.started,
    server_order: serverOrder,
    server_order_by_version: orderByVersion,
    suites: byVersion,
    groups: groups.groups,
    typical_client: groups.typical,
    dh_bits: features.dhBits,
    signature_algorithms: {
      ...(sig12 && !sig12.notTested ? { 'TLS1.2': sig12.schemes } : {}),
      ...(sig13 && !sig13.notTested ? { 'TLS1.3': sig13.schemes } : {}),
    },
    alpn: alpn.accepted,
    alpn_not_tested: alpn.notTested ?? null,
    alpn_preferred: alpn.preferred,
    chain: primary?.chain ?? null,
    certificates: served,
    ocsp_stapling: primary?.ocsp ?? null,
    resumption: {
      ...(res12 && legacyName ? { [legacyName]: res12 } : {}),
      ...(res13 ? { 'TLS1.3': res13 } : {}),
    },
    hsts,
    fallback_scsv: fallback,
    secure_renegotiation: features.secureRenegotiation,
    client_renegotiation: reneg,
    compression: features.compression,
    heartbeat: features.heartbeat,
    extended_master_secret: features.extendedMasterSecret,
    failure: null,
    notes,
  };
  return { ...findings, ...gradeFindings(findings) };
}

function empty(why: string) {
  return {
    server_order: notTested(why),
    server_order_by_version: {},
    suites: {},
    groups: [],
    typical_client: null,
    dh_bits: null,
    signature_algorithms: {},
    alpn: [],
    alpn_not_tested: why,
    alpn_preferred: null,
    chain: null,
    certificates: [],
    ocsp_stapling: null,
    resumption: {},
    hsts: notTested(why),
    fallback_scsv: notTested(why),
    secure_renegotiation: notTested(why),
    client_renegotiation: notTested(why),
    compression: notTested(why),
    heartbeat: notTested(why),
    extended_master_secret: notTested(why),
  } as const;
}
