// Kernel TLS, the seed 001 way: does the kernel provide it, is the TLS library built and asked for
// it, does the server use it, does the cipher qualify, can it be observed (/proc/net/tls_stat).
// Pure: readings in, items out. The experiment that moves (or does not move) the counters is in
// ktls-experiment.ts.

import process from 'node:process';
import type { TlsPolicy } from '../tls/index.ts';
import type { DoctorItem, DoctorStatus } from './report.ts';
import type { SystemView } from './system.ts';

/** `/proc/net/tls_stat`: `TlsCurrTxSw   0` lines. */
export function parseTlsStat(text: string): ReadonlyMap<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name, value] = line.trim().split(/\s+/);
    if (name === undefined || value === undefined || !/^\d+$/.test(value)) continue;
    m.set(name, Number(value));
  }
  return m;
}

/** Records the kernel encrypted or decrypted (software and NIC offload), summed. */
export const tlsStatRecordsMoved = (
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): number => {
  let moved = 0;
  for (const key of ['TlsTxSw', 'TlsRxSw', 'TlsTxDevice', 'TlsRxDevice']) {
    moved += (after.get(key) ?? 0) - (before.get(key) ?? 0);
  }
  return moved;
};

export type KernelConfigTls = 'builtin' | 'module' | 'absent' | 'unknown';

export interface KernelTlsFacts {
  readonly release: string | undefined;
  readonly tlsStat: ReadonlyMap<string, number> | undefined;
  /** /sys/module/tls: loaded as a module or built in. */
  readonly loaded: boolean;
  /** CONFIG_TLS from /proc/config.gz or /boot/config-<release>. */
  readonly config: KernelConfigTls;
  /** CONFIG_MODULES: false = this kernel loads no modules at all. */
  readonly modules: boolean | 'unknown';
  /** A tls.ko under /lib/modules/<release>. */
  readonly moduleFile: string | undefined;
}

export function readKernelTls(sys: SystemView): KernelTlsFacts {
  const release = sys.kernelRelease;
  const statText = sys.read('/proc/net/tls_stat');
  const config = sys.read('/proc/config.gz') ?? (release ? sys.read(`/boot/config-${release}`) : undefined);
  const configTls: KernelConfigTls =
    config === undefined
      ? 'unknown'
      : /^CONFIG_TLS=y$/m.test(config)
        ? 'builtin'
        : /^CONFIG_TLS=m$/m.test(config)
          ? 'module'
          : 'absent';
  const modules = config === undefined ? 'unknown' : /^CONFIG_MODULES=y$/m.test(config);
  let moduleFile: string | undefined;
  if (release !== undefined) {
    for (const ext of ['ko', 'ko.xz', 'ko.zst', 'ko.gz']) {
      const p = `/lib/modules/${release}/kernel/net/tls/tls.${ext}`;
      if (sys.exists(p)) {
        moduleFile = p;
        break;
      }
    }
  }
  return {
    release,
    tlsStat: statText === undefined ? undefined : parseTlsStat(statText),
    loaded: sys.exists('/sys/module/tls') || /^tls\s/m.test(sys.read('/proc/modules') ?? ''),
    config: configTls,
    modules,
    moduleFile,
  };
}

/** What the experiment saw: counters around one Node TLS connection that asked OpenSSL for kTLS. */
export interface KtlsExperiment {
  /** false: it could not run (why says so). */
  readonly ran: boolean;
  readonly why?: string;
  readonly version?: string;
  readonly cipher?: string;
  readonly bytes?: number;
  /** Records the kernel handled while the connection ran (undefined without tls_stat). */
  readonly recordsMoved?: number;
  /** Whether Node's crypto.constants names the OpenSSL option at all. */
  readonly optionExposed: boolean;
}

// Linux kTLS ciphers (include/uapi/linux/tls.h): AES-GCM-128/256, AES-CCM-128, CHACHA20-POLY1305
// (5.11+), SM4-GCM/CCM; TLS 1.2 and 1.3 (1.3 transmit since 5.1, receive since 5.2).
const KTLS_CIPHERS = new Set(['AES-128-GCM', 'AES-256-GCM', 'AES-128-CCM', 'CHACHA20-POLY1305']);

/** Whether the kernel's TLS could carry a suite's records; by the suite's bulk cipher. */
export const cipherQualifiesForKtls = (bulkCipher: string): boolean => KTLS_CIPHERS.has(bulkCipher);

export interface PolicySuites {
  readonly listener: string;
  readonly policy: TlsPolicy;
  /** Bulk cipher of each suite the policy serves (IANA name → cipher). */
  readonly suites: readonly { readonly name: string; readonly cipher: string }[];
}

const NODE_TLS_WHY =
  "Node's TLS (TLSWrap) gives OpenSSL memory BIOs and moves the records itself, and OpenSSL hands " +
  'keys to the kernel only on a socket BIO (SSL_OP_ENABLE_KTLS + BIO_s_socket); Node does not even ' +
  'name SSL_OP_ENABLE_KTLS in crypto.constants. So no Node server, tlsterm included, can put its ' +
  "records in the kernel's hands; the handshake would stay in user space anyway (seed 001).";

const item = (
  id: string,
  title: string,
  status: DoctorStatus,
  detail: string,
  extra: { hint?: string; facts?: Record<string, unknown> } = {},
): DoctorItem => ({ id, area: 'kernel_tls', title, status, detail, ...extra });

/** The seed 001 checklist, answered for tlsterm on this machine. */
export function ktlsChecklist(
  k: KernelTlsFacts,
  exp: KtlsExperiment,
  policies: readonly PolicySuites[],
): DoctorItem[] {
  const out: DoctorItem[] = [];
  // 1. Does the kernel provide it?
  const kernelFacts = {
    release: k.release ?? null,
    tls_stat: k.tlsStat !== undefined,
    loaded: k.loaded,
    config_tls: k.config,
    config_modules: k.modules,
    module_file: k.moduleFile ?? null,
  };
  if (k.tlsStat !== undefined || k.loaded) {
    out.push(
      item(
        'ktls.kernel',
        '1. The kernel provides kernel TLS',
        'ok',
        'The tls module is loaded (or built in).',
        { facts: kernelFacts },
      ),
    );
  } else if (k.moduleFile !== undefined || (k.config === 'module' && k.modules === true)) {
    out.push(
      item(
        'ktls.kernel',
        '1. The kernel provides kernel TLS',
        'info',
        'The tls module is not loaded, but this kernel can load it.',
        {
          hint: 'modprobe tls (then /proc/net/tls_stat appears)',
          facts: kernelFacts,
        },
      ),
    );
  } else if (k.config === 'absent') {
    out.push(
      item(
        'ktls.kernel',
        '1. The kernel provides kernel TLS',
        'info',
        `No: this kernel${k.release ? ` (${k.release})` : ''} is built without CONFIG_TLS${k.modules === false ? ' and loads no modules (CONFIG_MODULES is not set)' : ''}, so there is no tls module to load.`,
        { facts: kernelFacts },
      ),
    );
  } else {
    out.push(
      item(
        'ktls.kernel',
        '1. The kernel provides kernel TLS',
        'not_tested',
        'The tls module is not loaded and neither the kernel config (/proc/config.gz, /boot/config-*) nor a tls.ko under /lib/modules could be read, so whether it could be loaded is unknown.',
        { hint: 'try: modprobe tls && cat /proc/net/tls_stat', facts: kernelFacts },
      ),
    );
  }
  // 2. Is the TLS library built and asked for it?
  out.push(
    item(
      'ktls.library',
      '2. The TLS library is built and configured for it',
      'info',
      `No, as Node uses it: Node ${process.versions.node} carries its own OpenSSL ${process.versions.openssl}, and ${exp.optionExposed ? 'although crypto.constants names SSL_OP_ENABLE_KTLS, ' : 'crypto.constants does not name SSL_OP_ENABLE_KTLS; '}OpenSSL's kTLS path needs a socket BIO, which Node never gives it.`,
      {
        facts: {
          node: process.versions.node,
          openssl: process.versions.openssl,
          option_exposed: exp.optionExposed,
        },
      },
    ),
  );
  // 3. Does the server use it? (the experiment)
  const expFacts: Record<string, unknown> = { ran: exp.ran };
  if (exp.version !== undefined) expFacts.version = exp.version;
  if (exp.cipher !== undefined) expFacts.cipher = exp.cipher;
  if (exp.bytes !== undefined) expFacts.bytes = exp.bytes;
  if (exp.recordsMoved !== undefined) expFacts.records_moved = exp.recordsMoved;
  let expDetail: string;
  if (!exp.ran) expDetail = `The experiment could not run (${exp.why ?? 'unknown'}). ${NODE_TLS_WHY}`;
  else if (exp.recordsMoved === undefined)
    expDetail = `A Node TLS connection asking OpenSSL for kTLS (${exp.version}, ${exp.cipher}, ${exp.bytes} bytes) ran, but without /proc/net/tls_stat the kernel cannot be watched here. ${NODE_TLS_WHY}`;
  else if (exp.recordsMoved === 0)
    expDetail = `A Node TLS connection asking OpenSSL for kTLS (${exp.version}, ${exp.cipher}, ${exp.bytes} bytes) moved the kernel's TLS counters by 0 records: the records stayed in user space. ${NODE_TLS_WHY}`;
  else
    expDetail = `The kernel's TLS counters moved by ${exp.recordsMoved} records while a Node TLS connection (${exp.version}, ${exp.cipher}) ran; another process on this machine uses kTLS at the same time, so the move cannot be pinned on Node. ${NODE_TLS_WHY}`;
  out.push(
    item('ktls.server', '3. tlsterm (the server) uses it', 'info', `No. ${expDetail}`, { facts: expFacts }),
  );
  // 4. Does the cipher qualify?
  for (const p of policies) {
    const yes = p.suites.filter((s) => cipherQualifiesForKtls(s.cipher)).map((s) => s.name);
    const no = p.suites.filter((s) => !cipherQualifiesForKtls(s.cipher)).map((s) => s.name);
    out.push(
      item(
        `ktls.cipher.${p.listener}`,
        `4. The ciphers of listener ${p.listener} qualify`,
        'info',
        no.length === 0
          ? `All ${yes.length} suites it serves (${p.policy.minVersion}–${p.policy.maxVersion}) are AEAD ciphers Linux kTLS carries (AES-GCM, AES-CCM, ChaCha20-Poly1305), were the server able to hand them over.`
          : `${yes.length} of ${p.suites.length} suites qualify; not: ${no.join(', ')} (CBC suites are not carried by Linux kTLS).`,
        { facts: { qualifying: yes, not_qualifying: no } },
      ),
    );
  }
  // 5. Can it be observed?
  out.push(
    k.tlsStat === undefined
      ? item(
          'ktls.observe',
          '5. kTLS can be observed (/proc/net/tls_stat)',
          'info',
          '/proc/net/tls_stat is absent: the tls module is not loaded, so there is nothing to watch.',
        )
      : item(
          'ktls.observe',
          '5. kTLS can be observed (/proc/net/tls_stat)',
          'ok',
          'Readable; counters now:',
          {
            facts: Object.fromEntries(k.tlsStat),
          },
        ),
  );
  return out;
}
