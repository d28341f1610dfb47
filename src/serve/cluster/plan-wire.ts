// A plan crosses to the workers by value over the cluster channel (v8 structured clone), so a
// worker never reads the config file: it loads none of the YAML parser, schema or checks, and serves
// exactly the plan the primary checked (not a file edited in between). Two kinds of value in a plan
// do not clone: URLs (platform objects) and client address sets (a native BlockList behind a
// function); they travel as tagged plain values and are rebuilt on arrival. Anything else that would
// not arrive intact (a function, a class instance) is refused with its path at encode time, so a new
// plan field of that kind fails the first start, not a request. Shared objects stay shared (both
// walks keep a memo, and structured clone keeps the identities between them).

import type { Plan } from '../../config/plan.ts';
// Not http's face: the primary encodes plans too, and the face brings the whole HTTP stack.
import { addressSet } from '../../http/rules/cidr.ts';

/** The plan as it travels: structured-cloneable. */
export interface PlanWire {
  readonly wire: unknown;
}

const URL_TAG = '$url';
const SET_TAG = '$addressSet';

const CLONEABLE_PROTOS = new Set<unknown>([RegExp.prototype, Date.prototype]);

type Encoded = { readonly ok: true; readonly wire: PlanWire } | { readonly ok: false; readonly why: string };

export function encodePlan(plan: Plan): Encoded {
  const refused: string[] = [];
  const memo = new Map<object, unknown>();
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'object' && v !== null && memo.has(v)) return memo.get(v);
    const w = encodeValue(v, path);
    if (typeof v === 'object' && v !== null) memo.set(v, w);
    return w;
  };
  const encodeValue = (v: unknown, path: string): unknown => {
    if (typeof v === 'function') {
      refused.push(`${path} is a function`);
      return undefined;
    }
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof URL) return { [URL_TAG]: v.href };
    if (ArrayBuffer.isView(v) || CLONEABLE_PROTOS.has(Object.getPrototypeOf(v))) return v;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, walk(x, `${path}.get(${String(k)})`)]));
    if (v instanceof Set) return new Set([...v].map((x, i) => walk(x, `${path}[${i}]`)));
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      refused.push(
        `${path} is a ${(proto as { constructor?: { name?: string } }).constructor?.name ?? 'class'}`,
      );
      return undefined;
    }
    const o = v as Record<string, unknown>;
    if (typeof o['has'] === 'function' && Array.isArray(o['cidrs'])) return { [SET_TAG]: o['cidrs'] };
    const out: Record<string, unknown> = {};
    memo.set(v, out);
    for (const [k, x] of Object.entries(o)) out[k] = walk(x, `${path}.${k}`);
    return out;
  };
  const wire = walk(plan, 'plan');
  if (refused.length > 0)
    return { ok: false, why: `the plan cannot be sent to the workers: ${refused.join('; ')}` };
  return { ok: true, wire: { wire } };
}

export function decodePlan(message: PlanWire): Plan {
  const memo = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'object' && v !== null && memo.has(v)) return memo.get(v);
    const d = decodeValue(v);
    if (typeof v === 'object' && v !== null) memo.set(v, d);
    return d;
  };
  const decodeValue = (v: unknown): unknown => {
    if (
      v === null ||
      typeof v !== 'object' ||
      ArrayBuffer.isView(v) ||
      v instanceof RegExp ||
      v instanceof Date
    )
      return v;
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, walk(x)]));
    if (v instanceof Set) return new Set([...v].map(walk));
    const o = v as Record<string, unknown>;
    const url = o[URL_TAG];
    if (typeof url === 'string' && Object.keys(o).length === 1) return new URL(url);
    const cidrs = o[SET_TAG];
    if (Array.isArray(cidrs) && Object.keys(o).length === 1) return addressSet(cidrs as string[]);
    const out: Record<string, unknown> = {};
    memo.set(v, out);
    for (const [k, x] of Object.entries(o)) out[k] = walk(x);
    return out;
  };
  return walk(message.wire) as Plan;
}
