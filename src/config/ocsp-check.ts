// `ocsp:` of a site (issue 15 part 4): stapling on or off, a responder instead of the AIA one, a
// nonce. Also where a must-staple certificate (TLS Feature status_request) is held to it: one that
// cannot be stapled is an error (clients that honour it refuse the handshake), one without a cached
// response yet a warning (serve fetches it before it starts serving).

import fs from 'node:fs';
import {
  DEFAULT_OCSP,
  type OcspPlan,
  ocspCachePath,
  ocspTarget,
  responderUrls,
} from '../certs/ocsp/index.ts';
import type { CertificatePair } from '../certs/pair.ts';
import type { CheckContext } from './check-context.ts';
import type { RawSite } from './schema.ts';

// Node asks for a status (its 'OCSPRequest') before OpenSSL picks one of a site's certificates, and
// names the context's last one: a staple there would be the wrong certificate's for some clients.
const MULTI = 'the site has several certificates (Node asks for the staple before OpenSSL picks one of them)';

/** The site's OcspPlan (undefined for the default, or a passthrough site); Problems go to `ctx`. */
export function checkOcsp(
  ctx: CheckContext,
  sp: string,
  raw: RawSite['ocsp'],
  mode: 'terminate' | 'passthrough',
  pairs: readonly CertificatePair[],
  stateDir: string,
): OcspPlan | undefined {
  const where = `${sp}.ocsp`;
  if (mode === 'passthrough') {
    if (raw !== undefined)
      ctx.add('warning', where, 'ocsp has no effect on a passthrough site', 'remove ocsp');
    return undefined;
  }
  const object = typeof raw === 'object' ? raw : {};
  const plan: OcspPlan = {
    enabled: typeof raw === 'boolean' ? raw : (object.enabled ?? true),
    nonce: object.nonce ?? DEFAULT_OCSP.nonce,
    ...(object.responder !== undefined ? { responder: object.responder } : {}),
  };
  if (plan.responder !== undefined && !/^https?:\/\/[^/\s]+/i.test(plan.responder)) {
    ctx.add(
      'error',
      `${where}.responder`,
      `'${plan.responder}' is not an http:// or https:// URL`,
      'e.g. responder: http://ocsp.example.com/',
    );
    return undefined;
  }
  pairs.forEach((pair, k) => {
    const target = ocspTarget(pair.certPem);
    if (!target) return;
    const at = `${sp}.certificates[${k}]`;
    const urls = responderUrls(plan, target.aiaUrls);
    const why = !plan.enabled
      ? 'ocsp is disabled for this site'
      : pairs.length > 1
        ? MULTI
        : urls.length === 0
          ? 'it names no OCSP responder (AIA) and ocsp.responder is not set'
          : target.issuer === undefined
            ? 'its chain has no issuer certificate after the leaf (an OCSP request names the issuer)'
            : undefined;
    if (target.mustStaple && why !== undefined) {
      ctx.add(
        'error',
        at,
        `must-staple certificate (TLS Feature status_request) that cannot be stapled: ${why}`,
        'enable ocsp and give it a responder (ocsp.responder), or use a certificate without must-staple',
      );
      return;
    }
    if (target.mustStaple && !fs.existsSync(ocspCachePath(stateDir, target.fingerprint))) {
      ctx.add(
        'warning',
        at,
        'must-staple certificate without a cached OCSP response yet: serve fetches one before it starts serving, and starts without it if the responder does not answer (clients that honour must-staple then refuse the handshake)',
        'make sure the responder is reachable from this host',
      );
      return;
    }
    if (why === MULTI && urls.length > 0 && plan.enabled)
      ctx.add(
        'warning',
        at,
        `no OCSP stapling: ${MULTI}`,
        'serve this certificate from a site of its own to staple it',
      );
    else if (plan.enabled && why !== undefined && (typeof raw === 'object' || raw === true))
      ctx.add('warning', at, `OCSP stapling is on but ${why}`, 'set ocsp.responder, or ocsp: false');
  });
  return raw === undefined ? undefined : plan;
}
