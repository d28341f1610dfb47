// BENCH_SCENARIOS: which scenarios to run, so one part of the bench can be re-run on its own.
// A comma-separated list of section names ("termination", "passthrough"), scenario ids and group
// names ("resumed": the three resumed-handshake scenarios); unset or empty means everything but the
// scenarios marked onRequest (e.g. "scale"), which run only when their id or group is named.
// Pure: parsing only.

export interface Selectable {
  readonly id: string;
  /** A word that selects this scenario together with the others of its group. */
  readonly group?: string;
  /** Not part of "all" or of its section's name: only its id or group selects it. */
  readonly onRequest?: boolean;
}

export interface SectionScenarios<T extends Selectable> {
  readonly section: string;
  readonly scenarios: readonly T[];
}

export type Selection<T extends Selectable> =
  | { ok: true; value: Record<string, T[]> }
  | { ok: false; error: string };

/** Per section, the chosen scenarios in the section's run order (which the list's order does not change). */
export function selectScenarios<T extends Selectable>(
  spec: string | undefined,
  sections: readonly SectionScenarios<T>[],
): Selection<T> {
  const words = (spec ?? '')
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  const everything = words.length === 0 || words.includes('all');
  const known = new Set([
    'all',
    ...sections.flatMap((s) => [
      s.section,
      ...s.scenarios.flatMap((x) => (x.group === undefined ? [x.id] : [x.group, x.id])),
    ]),
  ]);
  const unknown = words.filter((w) => !known.has(w));
  if (unknown.length > 0) {
    return {
      ok: false,
      error: `BENCH_SCENARIOS: unknown ${unknown.map((w) => `'${w}'`).join(', ')}; choose from ${[...known].join(', ')}`,
    };
  }
  const value: Record<string, T[]> = {};
  for (const { section, scenarios } of sections) {
    const whole = everything || words.includes(section);
    value[section] = scenarios.filter(
      (s) =>
        (whole && s.onRequest !== true) ||
        words.includes(s.id) ||
        (s.group !== undefined && words.includes(s.group)),
    );
  }
  return { ok: true, value };
}
