import { assert, describe, it } from "@effect/vitest"
import { defaultWorkers } from "../src/VerifierPool.js"

// bench/README.md, "Memory": one verifier thread keeps up with all the main thread can hand
// it, and each holds ~19 MiB; a thread per core grew with the machine for nothing.
describe("the verifier pool's default size", () => {
  it("a thread per core but the main thread's, at least one, at most four", () => {
    const cores = [1, 2, 3, 4, 5, 6, 8, 16, 32, 128]
    assert.deepStrictEqual(cores.map(defaultWorkers), [1, 1, 2, 3, 4, 4, 4, 4, 4, 4])
  })
})
