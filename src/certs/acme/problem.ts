// RFC 8555 §6.7 problem documents (RFC 7807 with ACME's error types and subproblems): what the CA
// said when it refused. Parsed defensively: the body comes from the network.

export interface AcmeProblem {
  /** e.g. 'urn:ietf:params:acme:error:unauthorized'. */
  readonly type: string;
  readonly detail?: string;
  readonly status?: number;
  /** For subproblems: the identifier the problem is about. */
  readonly identifier?: { readonly type: string; readonly value: string };
  readonly subproblems?: readonly AcmeProblem[];
}

const MAX_SUBPROBLEMS = 50;
const text = (v: unknown, max = 2000): string | undefined =>
  typeof v === 'string' ? v.slice(0, max) : undefined;

/** A problem document from a parsed JSON body, or undefined when it is not one. */
export function parseAcmeProblem(body: unknown, depth = 0): AcmeProblem | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const o = body as Record<string, unknown>;
  const type = text(o['type'], 200);
  if (type === undefined) return undefined;
  const detail = text(o['detail']);
  const status = typeof o['status'] === 'number' ? o['status'] : undefined;
  const id = o['identifier'];
  let identifier: AcmeProblem['identifier'];
  if (typeof id === 'object' && id !== null) {
    const t = text((id as Record<string, unknown>)['type'], 20);
    const v = text((id as Record<string, unknown>)['value'], 300);
    if (t !== undefined && v !== undefined) identifier = { type: t, value: v };
  }
  const subs =
    depth === 0 && Array.isArray(o['subproblems'])
      ? o['subproblems']
          .slice(0, MAX_SUBPROBLEMS)
          .map((s) => parseAcmeProblem(s, depth + 1))
          .filter((s): s is AcmeProblem => s !== undefined)
      : [];
  return {
    type,
    ...(detail !== undefined ? { detail } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(identifier ? { identifier } : {}),
    ...(subs.length > 0 ? { subproblems: subs } : {}),
  };
}

/** 'unauthorized' from 'urn:ietf:params:acme:error:unauthorized'; other URIs unchanged. */
export function shortProblemType(type: string): string {
  const prefix = 'urn:ietf:params:acme:error:';
  return type.startsWith(prefix) ? type.slice(prefix.length) : type;
}

/** One line: "unauthorized: detail (dns a.test: connection: detail; …)". */
export function formatAcmeProblem(p: AcmeProblem): string {
  const head = `${shortProblemType(p.type)}${p.detail ? `: ${p.detail}` : ''}`;
  if (!p.subproblems?.length) return head;
  const subs = p.subproblems.map(
    (s) => `${s.identifier ? `${s.identifier.type} ${s.identifier.value}: ` : ''}${formatAcmeProblem(s)}`,
  );
  return `${head} (${subs.join('; ')})`;
}

/** Hints for the problem types an operator can do something about. */
export function problemHint(p: AcmeProblem | undefined, challenge: string): string {
  switch (p ? shortProblemType(p.type) : '') {
    case 'unauthorized':
    case 'incorrectResponse':
      return challenge === 'http-01'
        ? 'the CA fetched http://HOST/.well-known/acme-challenge/… and did not get the right answer: port 80 must reach this tlsterm'
        : challenge === 'tls-alpn-01'
          ? 'the CA connected to HOST:443 with ALPN acme-tls/1 and did not get the challenge certificate: port 443 must reach this tlsterm directly (no TLS-terminating balancer in front)'
          : 'the CA did not find the TXT record _acme-challenge.HOST: check that the DNS hook publishes it where the CA looks';
    case 'dns':
      return 'the CA could not resolve the name: check its DNS records';
    case 'connection':
      return 'the CA could not connect: check DNS records, firewalls and port forwarding to this machine';
    case 'rateLimited':
      return 'the CA rate-limits this account or name: tlsterm backs off; see the CA rate-limit documentation';
    case 'rejectedIdentifier':
      return 'the CA will not issue for this name (policy); remove it from the site';
    case 'caa':
      return "a CAA record forbids this CA: add the CA's domain to the CAA record";
    case 'badNonce':
    case 'serverInternal':
      return 'a transient CA error: tlsterm retries with backoff';
    default:
      return 'tlsterm keeps the certificate in service and retries with backoff';
  }
}
