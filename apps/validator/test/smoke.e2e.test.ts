import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { call, makeWorld, tokenFields } from "./support/world.js"

describe("smoke", () => {
  it.scopedLive("broadcast then check", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const miner = world.miners[0]!
      world.github.allow("ghp_one", { id: 101, login: "one" })
      const before = yield* call(world, "PatCheckSynapse", miner, {})
      assert.strictEqual(before.has_pat, false)
      const b = yield* call(world, "PatBroadcastSynapse", miner, tokenFields("ghp_one"))
      assert.strictEqual(b.accepted, true)
      const after = yield* call(world, "PatCheckSynapse", miner, {})
      assert.strictEqual(after.pat_valid, true)
      console.log(world.logs.join("\n"))
    }))
})
