import { median } from "../stats.js"
import { markdownTable } from "../summary.js"

/** Which way a figure improves: a ratio above 1 is better for `higher`, below 1 for `lower`. */
export type Better = "higher" | "lower"

/** One figure of one point, measured on both sides over the same rounds. */
export interface MetricComparison {
  readonly point: string
  readonly metric: string
  readonly better: Better
  /** The median over the rounds, on the ref (A) and on the working tree (B). */
  readonly ref: number
  readonly tree: number
  /** B / A of the medians; undefined when A is 0 (no ratio to give). */
  readonly ratio: number | undefined
  /** The smallest and largest B / A of one round's pair: how much the ratio moves run to run. */
  readonly roundRatios: { readonly min: number; readonly max: number } | undefined
}

const ratioOf = (tree: number, ref: number): number | undefined => (ref === 0 ? undefined : tree / ref)

/**
 * Compares one figure's values, round by round (`ref[i]` and `tree[i]` were measured in
 * round i, one right after the other).
 */
export const compareMetric = (
  point: string,
  metric: string,
  better: Better,
  ref: ReadonlyArray<number>,
  tree: ReadonlyArray<number>
): MetricComparison => {
  const refMedian = median(ref)
  const treeMedian = median(tree)
  const paired = ref.flatMap((value, round) => {
    const ratio = ratioOf(tree[round] ?? 0, value)
    return ratio === undefined ? [] : [ratio]
  })
  return {
    point,
    metric,
    better,
    ref: refMedian,
    tree: treeMedian,
    ratio: ratioOf(treeMedian, refMedian),
    roundRatios: paired.length === 0 ? undefined : { min: Math.min(...paired), max: Math.max(...paired) }
  }
}

const ratioText = (ratio: number | undefined): string => (ratio === undefined ? "—" : ratio.toFixed(2))

/** The comparisons as a markdown table, `refLabel` naming side A's column. */
export const ratioTable = (comparisons: ReadonlyArray<MetricComparison>, refLabel: string): string =>
  markdownTable(
    comparisons.map((comparison) => ({
      point: comparison.point,
      metric: comparison.metric,
      ref: comparison.ref,
      tree: comparison.tree,
      ratio: ratioText(comparison.ratio),
      rounds:
        comparison.roundRatios === undefined
          ? "—"
          : `${ratioText(comparison.roundRatios.min)}–${ratioText(comparison.roundRatios.max)}`,
      better: comparison.better === "higher" ? "> 1" : "< 1"
    })),
    {
      point: "point",
      metric: "figure",
      ref: `A: ${refLabel}`,
      tree: "B: working tree",
      ratio: "B / A",
      rounds: "B / A per round",
      better: "better when"
    }
  )
