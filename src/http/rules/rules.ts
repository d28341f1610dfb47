// `rules:` of a site: ordered; the first decisive match wins. deny answers locally (status, body),
// allow stops evaluating (the request goes on), tag adds a name to the request's log line and
// evaluation continues. Compiled once at config load; evaluate() is pure.

import { isFieldValueString } from '../chars.ts';
import {
  type CompiledMatch,
  compileMatch,
  type MatchProblem,
  type MatchSpec,
  matches,
  type RequestFacts,
} from './rule-match.ts';

export type RuleAction = 'deny' | 'allow' | 'tag';

/** A rule as the config states it. */
export interface RuleSpec {
  readonly match: MatchSpec;
  readonly action: RuleAction;
  /** deny: default 403 */
  readonly status?: number;
  /** deny: default the status's short error page */
  readonly body?: string;
  /** tag: the name logged */
  readonly tag?: string;
}

export interface CompiledRule {
  readonly match: CompiledMatch;
  readonly action: RuleAction;
  /** deny: what is answered (body undefined: tlsterm's error page for the status). */
  readonly status: number;
  readonly body: string | undefined;
  readonly tag: string;
  /** "rules[i]" */
  readonly name: string;
}

export type Verdict =
  | { readonly deny: false; readonly tags: readonly string[] | null }
  | {
      readonly deny: true;
      readonly status: number;
      readonly body: string | undefined;
      readonly tags: readonly string[] | null;
      /** Which rule decided ("rules[2]"), for the log line. */
      readonly rule: string;
    };

const PASS: Verdict = Object.freeze({ deny: false, tags: null });

/** Compile; problems carry the key path below the rule (e.g. "match.client[0]", "status"). */
export const compileRules = (
  specs: readonly RuleSpec[],
): { rules: CompiledRule[]; problems: (MatchProblem & { readonly index: number })[] } => {
  const rules: CompiledRule[] = [];
  const problems: (MatchProblem & { index: number })[] = [];
  specs.forEach((spec, index) => {
    const { match, problems: mp } = compileMatch(spec.match);
    for (const p of mp) problems.push({ ...p, where: `match.${p.where}`, index });
    const status = spec.status ?? 403;
    if (spec.action === 'deny' && (!Number.isInteger(status) || status < 200 || status > 599))
      problems.push({
        index,
        where: 'status',
        message: `status ${status} is not 200-599`,
        hint: 'deny answers with a final status such as 403',
      });
    if (spec.action !== 'deny' && (spec.status !== undefined || spec.body !== undefined))
      problems.push({
        index,
        where: spec.status !== undefined ? 'status' : 'body',
        message: `status and body are for deny, not ${spec.action}`,
        hint: 'remove them, or use action: deny',
      });
    if (spec.action === 'tag' && (spec.tag === undefined || !/^[A-Za-z0-9_.:-]{1,64}$/.test(spec.tag)))
      problems.push({
        index,
        where: 'tag',
        message:
          spec.tag === undefined
            ? 'a tag rule needs a tag'
            : `tag '${spec.tag}' is not 1-64 of A-Z a-z 0-9 _ . : -`,
        hint: 'add tag: NAME',
      });
    if (spec.action !== 'tag' && spec.tag !== undefined)
      problems.push({
        index,
        where: 'tag',
        message: `tag is for action: tag, not ${spec.action}`,
        hint: 'remove tag, or use action: tag',
      });
    if (spec.body !== undefined && !isFieldValueString(spec.body.replace(/[\r\n]/g, ' ')))
      problems.push({
        index,
        where: 'body',
        message: 'body holds control characters',
        hint: 'use printable text',
      });
    if (Object.keys(spec.match).length === 0 && index < specs.length - 1 && spec.action !== 'tag')
      problems.push({
        index,
        where: 'match',
        message: 'an empty match takes every request: the rules after it are never reached',
        hint: 'give it a condition, or make it the last rule',
      });
    rules.push({
      match,
      action: spec.action,
      status,
      body: spec.body,
      tag: spec.tag ?? '',
      name: `rules[${index}]`,
    });
  });
  return { rules, problems };
};

export const evaluate = (rules: readonly CompiledRule[], req: RequestFacts): Verdict => {
  let tags: string[] | null = null;
  for (const r of rules) {
    if (!matches(r.match, req)) continue;
    if (r.action === 'tag') {
      tags ??= [];
      if (!tags.includes(r.tag)) tags.push(r.tag);
      continue;
    }
    if (r.action === 'allow') return tags === null ? PASS : { deny: false, tags };
    return { deny: true, status: r.status, body: r.body, tags, rule: r.name };
  }
  return tags === null ? PASS : { deny: false, tags };
};

/** A deny's local response: its body as text/plain, or undefined for the standard error page. */
export const denyResponse = (
  status: number,
  body: string,
): { status: number; headers: readonly (readonly [string, string])[]; body: string } => ({
  status,
  headers: [
    ['content-type', 'text/plain; charset=utf-8'],
    ['cache-control', 'no-store'],
  ],
  body,
});
