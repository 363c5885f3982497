import { parseArgs } from "node:util"
import { type BenchOptions, benchFlags, positiveInteger, toBenchOptions } from "../options.js"
import { type FigureName, figureNames } from "./comparedPoints.js"

/** What `bench:compare` takes on its command line. */
export interface CompareOptions extends BenchOptions {
  /** The git ref to compare the working tree with (side A). */
  readonly ref: string
  /** The figures to measure; every one unless `--figures` names some. */
  readonly figures: ReadonlyArray<FigureName>
}

/** How to call it, for an error about its arguments. */
export const compareUsage = `usage: pnpm bench:compare <git-ref> [--quick] [--rounds N] [--duration MS] [--figures ${figureNames.join(",")}]`

const isFigure = (name: string): name is FigureName => (figureNames as ReadonlyArray<string>).includes(name)

/**
 * Reads `<git-ref> [--quick] [--rounds N] [--duration MS] [--figures a,b]` from `args`;
 * one round is one run of each point on each side. Bad arguments throw, saying what to give.
 */
export const compareOptions = (args: ReadonlyArray<string>): CompareOptions => {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { quick: benchFlags.quick, duration: benchFlags.duration, rounds: { type: "string" }, figures: { type: "string" } },
    allowPositionals: true
  })
  const [ref, ...extra] = positionals
  if (ref === undefined || extra.length > 0) throw new Error(`give exactly one git ref (got ${positionals.length})`)
  const figures = values.figures === undefined ? [...figureNames] : values.figures.split(",").map((name) => name.trim())
  const unknown = figures.filter((name) => !isFigure(name))
  if (unknown.length > 0 || figures.length === 0) {
    throw new Error(`--figures takes names from ${figureNames.join(", ")} (got "${unknown.join(",")}")`)
  }
  const options = toBenchOptions(values)
  return {
    ...options,
    runs: positiveInteger("rounds", values.rounds, options.runs),
    ref,
    figures: figures.filter(isFigure)
  }
}
