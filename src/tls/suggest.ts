// "Did you mean …" for names a user typed: the closest known names by edit distance. Shared by the
// registries here and by the config loader (unknown keys).

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = s.length + 1;
  const cols = t.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

/**
 * The `limit` candidates closest to `input`, best first. Candidates further away than about a third
 * of the input's length are dropped: a suggestion that shares nothing with the input only confuses.
 */
export function closestNames(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const maxDistance = Math.max(2, Math.ceil(input.length / 3));
  const scored: { name: string; distance: number }[] = [];
  const seen = new Set<string>();
  for (const name of candidates) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const distance = editDistance(input, name);
    if (distance <= maxDistance) scored.push({ name, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name));
  return scored.slice(0, limit).map((x) => x.name);
}

/** "; did you mean 'a' or 'b'?" or "" — ready to append to a message. */
export function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  const quoted = suggestions.map((s) => `'${s}'`);
  const last = quoted.pop();
  return quoted.length === 0 ? `; did you mean ${last}?` : `; did you mean ${quoted.join(', ')} or ${last}?`;
}
