import { Data } from "effect"

/** A bench run could not proceed: a child did not start, a check on the results failed. */
export class BenchError extends Data.TaggedError("BenchError")<{
  readonly message: string
}> {}
