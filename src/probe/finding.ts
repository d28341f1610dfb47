// One answer per check: the probe saw it (yes), saw it absent (no), or could not look, and says
// why. "Not tested" is never folded into "no": a check whose connection failed, or that does not
// apply (a TLS 1.2 feature on a TLS 1.3-only server, --no-http), is not_tested with a reason.

export type Finding<T extends object = object> =
  | ({ readonly state: 'yes' | 'no' } & T)
  | { readonly state: 'not_tested'; readonly why: string };

export type NotTested = Extract<Finding, { state: 'not_tested' }>;

export const notTested = (why: string): NotTested => ({ state: 'not_tested', why });

/** yes / no from a boolean the probe observed. */
export function observed(value: boolean): Finding;
export function observed<T extends object>(value: boolean, extra: T): Finding<T>;
export function observed<T extends object>(value: boolean, extra?: T): Finding<T> {
  return { state: value ? 'yes' : 'no', ...(extra as T) };
}

/** true / false for yes / no; undefined when not tested (for rules that act only on a seen fact). */
export const isYes = (f: Finding<object> | null | undefined): boolean => f?.state === 'yes';
export const isNo = (f: Finding<object> | null | undefined): boolean => f?.state === 'no';

/** "yes", "no" or "not tested (why)": the one rendering of a finding in the text report. */
export function findingText(f: Finding<object>, yes = 'yes', no = 'no'): string {
  if (f.state === 'not_tested') return `not tested (${f.why})`;
  return f.state === 'yes' ? yes : no;
}
