// `admin:` — the admin listener's address and bearer token. Off loopback a token is required: the API
// can reload the instance and turn a key log on.

import { readFile } from 'node:fs/promises';
import { type AdminPlan, isLoopbackHost } from '../observe/admin/settings.ts';
import { parseListenAddress } from './address.ts';
import type { CheckContext } from './check-context.ts';
import type { RawAdmin } from './schema.ts';

export const ADMIN_DEFAULT_ADDRESS = '127.0.0.1:9901';
const MIN_TOKEN_CHARS = 16;

async function tokenOf(ctx: CheckContext, raw: NonNullable<RawAdmin>): Promise<string | undefined> {
  if (raw.token !== undefined && raw.token_file !== undefined) {
    ctx.add('error', 'admin.token_file', 'admin has both token and token_file', 'keep one of them');
    return undefined;
  }
  if (raw.token !== undefined) return raw.token;
  if (raw.token_file === undefined) return undefined;
  const file = ctx.resolveFile(raw.token_file);
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    ctx.add(
      'error',
      'admin.token_file',
      `cannot read the admin token file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      'create it (e.g. `openssl rand -hex 32 > FILE; chmod 600 FILE`) or fix the path',
    );
    return undefined;
  }
  if (text.length < MIN_TOKEN_CHARS) {
    ctx.add(
      'error',
      'admin.token_file',
      `the admin token in ${file} is shorter than ${MIN_TOKEN_CHARS} characters`,
      'use a random token, e.g. `openssl rand -hex 32`',
    );
    return undefined;
  }
  return text;
}

export async function checkAdmin(ctx: CheckContext, raw: RawAdmin): Promise<AdminPlan | undefined> {
  if (raw === undefined) return undefined;
  const parsed = parseListenAddress(raw.address ?? ADMIN_DEFAULT_ADDRESS);
  if (!parsed.ok) {
    ctx.add('error', 'admin.address', parsed.error, `e.g. admin: { address: "${ADMIN_DEFAULT_ADDRESS}" }`);
    return undefined;
  }
  const token = await tokenOf(ctx, raw);
  const { host, port } = parsed.value;
  if (token === undefined && !isLoopbackHost(host)) {
    ctx.add(
      'error',
      'admin.address',
      `the admin listener on ${raw.address} is reachable from other hosts and has no token: anyone who reaches it could reload the instance or turn a key log on`,
      `bind it to loopback (${ADMIN_DEFAULT_ADDRESS}) or set admin.token_file (a file with a random token, mode 0600)`,
    );
    return undefined;
  }
  return { host, port, ...(token !== undefined ? { token } : {}) };
}
