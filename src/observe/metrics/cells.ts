// Counting cells behind the metrics: one cell per label tuple, found through nested maps keyed by
// the label values, so the hot path (a handshake, a request) does a few map lookups and an add —
// no label string is built or hashed per event. Values become Prometheus JSON only at a scrape.

export type Labels = Readonly<Record<string, string>>;

/** One series' value as prom-client's getMetricsAsJSON() writes it (what AggregatorRegistry reads). */
export interface MetricValue {
  readonly labels: Labels;
  readonly value: number;
  readonly metricName?: string;
}

export interface CounterCell {
  value: number;
  readonly labels: Labels;
}

export interface HistogramCell {
  /** Non-cumulative counts per bucket; the last one is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
  readonly labels: Labels;
}

type Tree<C> = Map<string, Tree<C> | C>;

/** Cells of one label shape, keyed by the label values in `names` order (plus fixed labels). */
class CellTree<C> {
  private readonly root: Tree<C> = new Map();
  readonly cells: C[] = [];
  private readonly names: readonly string[];
  private readonly fixed: Labels;
  private readonly make: (labels: Labels) => C;
  constructor(names: readonly string[], fixed: Labels, make: (labels: Labels) => C) {
    this.names = names;
    this.fixed = fixed;
    this.make = make;
  }

  get(values: readonly string[]): C {
    let node: Tree<C> = this.root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = node.get(values[i]!) as Tree<C> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(values[i]!, next);
      }
      node = next;
    }
    let cell = node.get(values[last] ?? '') as C | undefined;
    if (cell === undefined) {
      const labels: Record<string, string> = {};
      this.names.forEach((n, i) => {
        // An unknown value (no site before SNI routing) is left out, not written as "".
        if (values[i] !== '') labels[n] = values[i]!;
      });
      Object.assign(labels, this.fixed);
      cell = this.make(labels);
      node.set(values[last] ?? '', cell);
      this.cells.push(cell);
    }
    return cell;
  }
}

export class CounterCells extends CellTree<CounterCell> {
  constructor(names: readonly string[], fixed: Labels = {}) {
    super(names, fixed, (labels) => ({ value: 0, labels }));
  }

  values(): MetricValue[] {
    return this.cells.map((c) => ({ labels: c.labels, value: c.value }));
  }
}

export class HistogramCells extends CellTree<HistogramCell> {
  private readonly bounds: readonly number[];
  constructor(bounds: readonly number[], names: readonly string[]) {
    super(names, {}, (labels) => ({ counts: new Float64Array(bounds.length + 1), sum: 0, count: 0, labels }));
    this.bounds = bounds;
  }

  observe(cell: HistogramCell, value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    cell.counts[i]!++;
    cell.sum += value;
    cell.count++;
  }

  /** Prometheus form: cumulative `_bucket` series with `le` (last label), then `_sum` and `_count`. */
  values(name: string): MetricValue[] {
    const out: MetricValue[] = [];
    for (const c of this.cells) {
      let running = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        running += c.counts[i]!;
        const le = i < this.bounds.length ? String(this.bounds[i]) : '+Inf';
        out.push({ labels: { ...c.labels, le }, value: running, metricName: `${name}_bucket` });
      }
      out.push({ labels: c.labels, value: c.sum, metricName: `${name}_sum` });
      out.push({ labels: c.labels, value: c.count, metricName: `${name}_count` });
    }
    return out;
  }
}
