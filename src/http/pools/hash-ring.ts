// Consistent hashing (Karger et al.): each server owns VNODES points per weight unit on a 32-bit
// ring; a key goes to the first point at or after its hash. Adding or removing one of N servers
// moves only about 1/N of the keys (modulo hashing moves most of them: see the unit test).

/** Points per weight unit: enough for an even spread (±10 %) with a handful of servers. */
export const VNODES = 160;

/** FNV-1a, 32 bits, then a murmur3 finaliser so that near-identical keys spread over the ring. */
export const hash32 = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

export class HashRing {
  /** Sorted point hashes, and the server index owning each. */
  private readonly points: Uint32Array;
  private readonly owners: Uint16Array;

  /** `names` identify servers (stable across config changes: their URLs); weights are whole units. */
  constructor(names: readonly string[], weights: readonly number[]) {
    const all: [number, number][] = [];
    for (let s = 0; s < names.length; s++) {
      const n = Math.max(1, Math.round(weights[s] ?? 1)) * VNODES;
      for (let v = 0; v < n; v++) all.push([hash32(`${names[s]}#${v}`), s]);
    }
    all.sort((a, b) => a[0] - b[0]);
    this.points = Uint32Array.from(all, (p) => p[0]);
    this.owners = Uint16Array.from(all, (p) => p[1]);
  }

  /** The server for `key`, skipping those `usable` refuses (walking on round the ring); -1 if none. */
  pick(key: string, usable: (server: number) => boolean): number {
    const pts = this.points;
    const n = pts.length;
    if (n === 0) return -1;
    const h = hash32(key);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pts[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    const tried = new Set<number>();
    for (let i = 0; i < n; i++) {
      const s = this.owners[(lo + i) % n]!;
      if (tried.has(s)) continue;
      if (usable(s)) return s;
      tried.add(s);
    }
    return -1;
  }
}
