// `extra_ca:` files, trusted besides the system store when certificate chains are checked.

import fs from 'node:fs/promises';
import path from 'node:path';
import type { CheckContext } from './check-context.ts';

/** extra_ca files, plus the local development CA when it exists in the state directory. */
export async function loadExtraCa(
  ctx: CheckContext,
  files: readonly string[],
  stateDir: string,
): Promise<string[]> {
  const pems: string[] = [];
  for (const [i, f] of files.entries()) pems.push(...((await ctx.readCaFiles(f, `extra_ca[${i}]`)) ?? []));
  try {
    pems.push(await fs.readFile(path.join(stateDir, 'ca', 'ca.pem'), 'utf8'));
  } catch {
    // No local CA yet: nothing to trust.
  }
  return pems;
}
