import { NodeContext } from "@effect/platform-node"
import { Effect, Either, Option, Schedule } from "effect"
import { type ChainReadOptions, readChainMetagraph, type SubtensorNetwork } from "../src/index.js"
import {
  type FakeAnswer,
  type FakeSubtensor,
  loadRecording,
  recordedResponder,
  startFakeSubtensor
} from "../src/testing/index.js"

/** The recording, loaded once per test file. */
export const recording = Effect.runSync(Effect.cached(Effect.provide(loadRecording, NodeContext.layer)))

/** A fake node serving the recording, with `overrides` first. */
export const recordedNode = (overrides: ReadonlyMap<string, FakeAnswer> = new Map()) =>
  Effect.flatMap(recording, (r) => startFakeSubtensor(recordedResponder(r, overrides)))

/** Reads subnet `netuid` from `endpoint`, as `network` when one is named; the result as an Either. */
export const readFrom = (
  endpoint: string,
  netuid: number,
  options: { readonly network?: SubtensorNetwork; readonly timeout?: ChainReadOptions["timeout"] } = {}
) =>
  Effect.either(
    readChainMetagraph({
      target: { endpoint, network: Option.fromNullable(options.network) },
      netuid,
      ...(options.timeout === undefined ? {} : { timeout: options.timeout })
    })
  )

/** The failure of a read that must fail. */
export const failureOf = <A, E>(result: Either.Either<A, E>): E => {
  if (Either.isRight(result)) throw new Error("the read succeeded")
  return result.left
}

/** How many connections are still open once the fake node has seen every close (at most 5 s later). */
export const allClosed = (node: FakeSubtensor) =>
  node.open.pipe(
    Effect.filterOrFail((open) => open === 0),
    Effect.retry(Schedule.spaced("20 millis")),
    Effect.timeout("5 seconds"),
    Effect.orElse(() => node.open)
  )
