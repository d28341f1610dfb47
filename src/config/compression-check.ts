// `compression:` of a site (issue 16): algorithms (br, gzip; in preference order), min_size (default
// 1k: below it the coding's overhead outweighs the saving), types (type/subtype or type/*).

import { type Coding, type CompressionSpec, DEFAULT_TYPES } from '../http/rules/index.ts';
import type { CheckContext } from './check-context.ts';
import type { RawSite } from './schema.ts';
import { parseSize } from './size.ts';

const KNOWN: readonly Coding[] = ['br', 'gzip'];
const TYPE = /^[a-z0-9!#$&^_.+-]+\/([a-z0-9!#$&^_.+-]+|\*)$/;

export function checkCompression(
  ctx: CheckContext,
  sp: string,
  raw: RawSite['compression'],
): CompressionSpec | null {
  if (raw === undefined) return null;
  const where = `${sp}.compression`;
  const algorithms: Coding[] = [];
  for (const [k, a] of (raw.algorithms ?? ['br', 'gzip']).entries()) {
    const name = a.trim().toLowerCase();
    const known = KNOWN.find((c) => c === name);
    if (known === undefined)
      ctx.add('error', `${where}.algorithms[${k}]`, `unknown algorithm '${a}'`, 'use br and/or gzip');
    else if (algorithms.includes(known))
      ctx.add('warning', `${where}.algorithms[${k}]`, `'${a}' is listed twice`, 'remove the duplicate');
    else algorithms.push(known);
  }
  if (raw.algorithms !== undefined && raw.algorithms.length === 0)
    ctx.add(
      'warning',
      `${where}.algorithms`,
      'no algorithm: nothing is compressed',
      'list br and/or gzip, or remove compression',
    );
  const types: string[] = [];
  for (const [k, t] of (raw.types ?? DEFAULT_TYPES).entries()) {
    const lower = t.trim().toLowerCase();
    if (!TYPE.test(lower))
      ctx.add(
        'error',
        `${where}.types[${k}]`,
        `'${t}' is not a media type`,
        'write type/subtype or type/*, e.g. text/*',
      );
    else types.push(lower);
  }
  let minSize = 1024;
  if (raw.min_size !== undefined) {
    const r = parseSize(raw.min_size);
    if (r.ok) minSize = r.value;
  }
  return { algorithms, minSize, types };
}
