// The admin API from the other side (the CLI): one GET with the bearer token, a bounded wait, and
// either the JSON answer or why there is none.

export type AdminFetch =
  | { readonly ok: true; readonly body: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly why: string; readonly status?: number };

const ASK_TIMEOUT_MS = 5000;

export async function askAdmin(
  endpoint: { readonly url: string; readonly token?: string },
  pathname: string,
  timeoutMs = ASK_TIMEOUT_MS,
): Promise<AdminFetch> {
  let res: Response;
  try {
    res = await fetch(`${endpoint.url}${pathname}`, {
      headers: endpoint.token !== undefined ? { authorization: `Bearer ${endpoint.token}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, why: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, status: res.status, why: `HTTP ${res.status}, not JSON` };
  }
  if (typeof body !== 'object' || body === null)
    return { ok: false, status: res.status, why: 'not a JSON object' };
  const b = body as Readonly<Record<string, unknown>>;
  if (!res.ok)
    return { ok: false, status: res.status, why: `HTTP ${res.status}: ${String(b['error'] ?? text.trim())}` };
  return { ok: true, body: b };
}
