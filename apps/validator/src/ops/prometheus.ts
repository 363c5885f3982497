/** Label names and values of one series, in a fixed order per metric. */
export type Labels = ReadonlyArray<readonly [name: string, value: string]>

const escapeLabel = (value: string): string =>
  value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")

const formatLabels = (labels: Labels): string =>
  labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`

const header = (name: string, help: string, type: string): string =>
  `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`

// Series are keyed by their rendered label set, which is also what the text format needs.
interface Series<S> {
  readonly labels: Labels
  readonly state: S
}

/** A monotonically increasing count per label set. */
export class Counter {
  private readonly series = new Map<string, Series<{ value: number }>>()

  constructor(
    readonly name: string,
    readonly help: string
  ) {}

  /** Adds `by` (default 1) to the series of `labels`. */
  inc(labels: Labels = [], by = 1): void {
    const key = formatLabels(labels)
    const found = this.series.get(key)
    if (found === undefined) this.series.set(key, { labels, state: { value: by } })
    else found.state.value += by
  }

  /** The current value of a series (0 if never incremented). */
  value(labels: Labels = []): number {
    return this.series.get(formatLabels(labels))?.state.value ?? 0
  }

  /** The Prometheus text exposition of this counter. */
  render(): string {
    let out = header(this.name, this.help, "counter")
    if (this.series.size === 0) return `${out}${this.name} 0\n`
    for (const [key, { state }] of this.series) out += `${this.name}${key} ${state.value}\n`
    return out
  }
}

/** A distribution of observations (seconds) over fixed buckets, per label set. */
export class Histogram {
  private readonly series = new Map<string, Series<{ counts: Array<number>; sum: number; count: number }>>()

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: ReadonlyArray<number>
  ) {}

  /** Records one observation in the series of `labels`. */
  observe(labels: Labels, value: number): void {
    const key = formatLabels(labels)
    let found = this.series.get(key)
    if (found === undefined) {
      found = { labels, state: { counts: this.buckets.map(() => 0), sum: 0, count: 0 } }
      this.series.set(key, found)
    }
    const { state } = found
    const index = this.buckets.findIndex((bound) => value <= bound)
    if (index >= 0) state.counts[index]! += 1
    state.sum += value
    state.count += 1
  }

  /** How many observations a series holds. */
  count(labels: Labels): number {
    return this.series.get(formatLabels(labels))?.state.count ?? 0
  }

  /** The Prometheus text exposition of this histogram (cumulative buckets). */
  render(): string {
    let out = header(this.name, this.help, "histogram")
    for (const { labels, state } of this.series.values()) {
      let cumulative = 0
      for (const [i, bound] of this.buckets.entries()) {
        cumulative += state.counts[i]!
        out += `${this.name}_bucket${formatLabels([...labels, ["le", String(bound)]])} ${cumulative}\n`
      }
      out += `${this.name}_bucket${formatLabels([...labels, ["le", "+Inf"]])} ${state.count}\n`
      out += `${this.name}_sum${formatLabels(labels)} ${state.sum}\n`
      out += `${this.name}_count${formatLabels(labels)} ${state.count}\n`
    }
    return out
  }
}

/** A value read at scrape time. */
export const gauge = (name: string, help: string, value: number): string =>
  `${header(name, help, "gauge")}${name} ${value}\n`
