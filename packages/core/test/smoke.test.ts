import { assert, it } from "@effect/vitest"
import { Redacted } from "effect"
import { maskPat } from "@gittensor-pat/core"

it("masks a token to its last four characters", () => {
  assert.strictEqual(maskPat(Redacted.make("ghp_abcdefgh1234")), "***1234")
})
