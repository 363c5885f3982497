import { Effect } from "effect"
import type { LoadGroup, LoadRecord } from "./spec.js"
import { type Caller, send, signedRequest } from "./wire.js"

/**
 * Runs one group's closed-loop workers: each calls, waits for the ending, records it and
 * calls again, until the group's request count or duration is spent (or, with
 * `stopOnFailure`, until the validator stops answering). Returns the records and the
 * group's elapsed milliseconds.
 */
export const runGroup = (
  index: number,
  group: LoadGroup,
  caller: Caller
): Effect.Effect<{ readonly records: ReadonlyArray<LoadRecord>; readonly elapsedMs: number }> =>
  Effect.gen(function* () {
    yield* Effect.sleep(group.startAfterMs)
    const records: Array<LoadRecord> = []
    const started = performance.now()
    const endsAt = started + group.durationMs
    let issued = 0
    const worker = (w: number) =>
      Effect.gen(function* () {
        const miner = group.miners[w % group.miners.length] ?? 0
        for (let sent = 0; issued < group.maxRequests && performance.now() < endsAt; sent++) {
          issued++
          const variant = sent % group.tokenVariants
          const { outcome, ms } = yield* send(caller, group, signedRequest(caller, group, miner, variant))
          records.push([index, miner, outcome, ms, variant])
          if (group.stopOnFailure && outcome.startsWith("failed:")) return
        }
      })
    yield* Effect.forEach(
      Array.from({ length: group.concurrency }, (_, w) => w),
      worker,
      { concurrency: "unbounded", discard: true }
    )
    return { records, elapsedMs: performance.now() - started }
  })
