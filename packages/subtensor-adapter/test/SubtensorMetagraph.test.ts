import { Hotkey, Metagraph, Uid } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Layer, Option } from "effect"
import { SubtensorMetagraph } from "../src/index.js"
import { refusingEndpoint } from "../src/testing/index.js"
import { readFrom, recordedNode } from "./support.js"

describe("SubtensorMetagraph.layer: the Metagraph port over one chain read", () => {
  it.scopedLive("answers uids, stakes, hotkeys and neurons as read", () =>
    Effect.gen(function* () {
      const node = yield* recordedNode()
      const target = { endpoint: node.url, network: Option.none() }
      const snapshot = Either.getOrThrow(yield* readFrom(node.url, 1))
      const metagraph = yield* Effect.provide(Metagraph, SubtensorMetagraph.layer({ target, netuid: 1 }))
      const validator = snapshot.neurons.find((n) => n.stake > 15000)!
      assert.deepStrictEqual(yield* metagraph.uidOf(validator.hotkey), Option.some(validator.uid))
      assert.deepStrictEqual(yield* metagraph.uidOf(Hotkey.make("5NotOnTheSubnet")), Option.none())
      assert.strictEqual(yield* metagraph.stakeOf(validator.uid), validator.stake)
      assert.strictEqual(yield* metagraph.stakeOf(Uid.make(5000)), 0)
      assert.deepStrictEqual(yield* metagraph.hotkeys, snapshot.neurons.map((n) => n.hotkey))
      assert.deepStrictEqual(yield* metagraph.neurons, snapshot.neurons)
    })
  )

  it.scopedLive("fails to build with the read's error", () =>
    Effect.gen(function* () {
      const target = { endpoint: yield* refusingEndpoint, network: Option.none() }
      const error = yield* Effect.flip(Layer.build(SubtensorMetagraph.layer({ target, netuid: 1 })))
      assert.deepInclude(error, { _tag: "SubtensorUnreachable", reason: "refused" })
    })
  )
})
