// Where the CLI finds a running instance's admin API (`tlsterm status`, `tlsterm cert status`): the
// config's `admin:` block read leniently (a config with unrelated errors still names its admin
// listener), `--admin URL` winning, and the token from the config or TLSTERM_ADMIN_TOKEN.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseListenAddress } from './address.ts';
import { ADMIN_DEFAULT_ADDRESS } from './admin-check.ts';

export interface AdminEndpoint {
  /** e.g. http://127.0.0.1:9901 */
  readonly url: string;
  readonly token?: string;
}

export type AdminEndpointResult =
  | { readonly ok: true; readonly endpoint: AdminEndpoint | undefined }
  | { readonly ok: false; readonly why: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The URL of a listen address: all-addresses binds are asked on loopback. */
function urlOf(address: string): string | undefined {
  const parsed = parseListenAddress(address);
  if (!parsed.ok) return undefined;
  let host = parsed.value.host;
  if (host === '::' || host === '0.0.0.0') host = host === '::' ? '::1' : '127.0.0.1';
  if (host === 'localhost') host = '127.0.0.1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${parsed.value.port}`;
}

/**
 * The admin endpoint to ask: `--admin URL` (token from the environment, or the config's), else the
 * config's `admin:` (undefined when it has none), else the default address.
 */
export async function adminEndpoint(options: {
  readonly configFile?: string | undefined;
  readonly adminUrl?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
}): Promise<AdminEndpointResult> {
  const envToken = options.env?.['TLSTERM_ADMIN_TOKEN'];
  let configToken: string | undefined;
  let configUrl: string | undefined;
  let hasAdmin = false;
  if (options.configFile !== undefined) {
    let doc: unknown;
    try {
      doc = parseYaml(await readFile(options.configFile, 'utf8'));
    } catch (e) {
      return {
        ok: false,
        why: `cannot read ${options.configFile}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      };
    }
    const admin = isObject(doc) ? doc['admin'] : undefined;
    if (isObject(admin)) {
      hasAdmin = true;
      const address = typeof admin['address'] === 'string' ? admin['address'] : ADMIN_DEFAULT_ADDRESS;
      configUrl = urlOf(address);
      if (configUrl === undefined) return { ok: false, why: `admin.address ${address} is not host:port` };
      if (typeof admin['token'] === 'string') configToken = admin['token'];
      else if (typeof admin['token_file'] === 'string') {
        const file = path.resolve(path.dirname(path.resolve(options.configFile)), admin['token_file']);
        try {
          configToken = (await readFile(file, 'utf8')).trim();
        } catch (e) {
          return {
            ok: false,
            why: `cannot read the admin token file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
          };
        }
      }
    }
  }
  const token = envToken !== undefined && envToken !== '' ? envToken : configToken;
  const withToken = (url: string): AdminEndpoint => ({
    url: url.replace(/\/+$/, ''),
    ...(token !== undefined ? { token } : {}),
  });
  if (options.adminUrl !== undefined) return { ok: true, endpoint: withToken(options.adminUrl) };
  if (options.configFile !== undefined)
    return { ok: true, endpoint: hasAdmin && configUrl !== undefined ? withToken(configUrl) : undefined };
  return { ok: true, endpoint: withToken(`http://${ADMIN_DEFAULT_ADDRESS}`) };
}
