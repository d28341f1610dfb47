// `rules:` of a site (issue 16): each match compiled here, once (a regex that does not compile, a
// bad CIDR, a deny status out of range are Problems with the rule's file:line).

import { type CompiledRule, compileRules, type RuleSpec } from '../http/rules/index.ts';
import type { CheckContext } from './check-context.ts';

export function checkRules(
  ctx: CheckContext,
  sp: string,
  raw: readonly RuleSpec[] | undefined,
  clientAuth: boolean,
): readonly CompiledRule[] {
  if (raw === undefined || raw.length === 0) return [];
  const { rules, problems } = compileRules(raw);
  for (const p of problems) ctx.add('error', `${sp}.rules[${p.index}].${p.where}`, p.message, p.hint);
  raw.forEach((r, i) => {
    if (r.match.client_cert_subject !== undefined && !clientAuth)
      ctx.add(
        'warning',
        `${sp}.rules[${i}].match.client_cert_subject`,
        'this site asks for no client certificate (client_auth): client_cert_subject never matches',
        'set client_auth: optional or required, or remove the condition',
      );
  });
  return rules;
}
