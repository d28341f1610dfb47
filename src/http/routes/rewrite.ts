// The request target and Host the app sees after a route's rewrite (strip/replace a path prefix,
// Host). Pure.

import type { PathRewrite } from './plan.ts';

/** `target` (path and query) with the prefix replaced; unchanged when it does not start with it. */
export const rewriteTarget = (target: string, r: PathRewrite): string => {
  if (!target.startsWith(r.from)) return target;
  const rest = target.slice(r.from.length);
  const out = r.to + rest;
  // "/api" stripped from "/api" or "/api?x" leaves no path: the app gets "/".
  if (out === '' || out.charCodeAt(0) !== 0x2f) return `/${out}`;
  return out;
};
