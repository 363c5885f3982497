import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Schedule } from "effect"
import { Sr25519Verifier } from "../src/index.js"
import { outcomes, patience, signedRequest, signers, tempDir } from "./verifierCases.js"

const faulty = (workers: number) =>
  Sr25519Verifier.make({ workers, workerUrl: new URL("./fixtures/faultyWorker.ts", import.meta.url) })

describe("VerifierPool faults", () => {
  it.scopedLive("a thread that exits fails its pending verifies, not hangs them, and is replaced", () =>
    Effect.gen(function* () {
      const verifier = yield* faulty(1)
      const good = signedRequest(signers[0]!)
      // One turn, so one batch: the two good requests go down with the thread.
      const answers = yield* outcomes([good, { ...good, uuid: "exit" }, good].map(verifier.verifyAsync))
      assert.deepStrictEqual(answers, ["worker-exited", "worker-exited", "worker-exited"])
      assert.isTrue(yield* verifier.verify(good, patience))
      const error = yield* Effect.flip(verifier.verify({ ...good, uuid: "exit" }, patience))
      assert.include(error.message, "exited (code 3)")
      assert.isTrue(yield* verifier.verify(good, patience))
    })
  )

  it.scopedLive("an uncaught error in a thread fails its verifies with the error's message", () =>
    Effect.gen(function* () {
      const verifier = yield* faulty(2)
      const good = signedRequest(signers[0]!)
      const error = yield* Effect.flip(verifier.verify({ ...good, uuid: "throw" }, patience))
      assert.strictEqual(error.reason, "worker-exited")
      assert.include(error.message, "a fault in the verifier")
      const answers = yield* Effect.forEach([good, good, good, good], (request) => verifier.verify(request, patience), { concurrency: "unbounded" })
      assert.deepStrictEqual(answers, [true, true, true, true])
    })
  )

  it.scopedLive("a replacement that dies before it is ready is retried after a pause; verifies fail meanwhile", () =>
    Effect.gen(function* () {
      const marker = join(yield* tempDir, "fail-start")
      const workerUrl = new URL(`./fixtures/faultyWorker.ts?failStart=${encodeURIComponent(marker)}`, import.meta.url)
      const verifier = yield* Sr25519Verifier.make({ workers: 1, workerUrl })
      const good = signedRequest(signers[0]!)
      writeFileSync(marker, "")
      assert.strictEqual((yield* Effect.flip(verifier.verify({ ...good, uuid: "exit" }, patience))).reason, "worker-exited")
      // The replacement exits as it starts, failing what it holds; then, during the pause, no thread is up.
      let reason = yield* Effect.map(Effect.flip(verifier.verify(good, patience)), (error) => error.reason)
      while (reason === "worker-exited") reason = (yield* Effect.flip(verifier.verify(good, patience))).reason
      assert.strictEqual(reason, "unavailable")
      rmSync(marker)
      assert.isTrue(yield* Effect.retry(verifier.verify(good, patience), Schedule.spaced("100 millis")))
    })
  )

  it.scopedLive("a thread that is alive but stuck: its verifies fail `timeout` after the caller's patience", () =>
    Effect.gen(function* () {
      const verifier = yield* faulty(1)
      const good = signedRequest(signers[0]!)
      assert.isTrue(yield* verifier.verify(good, patience))
      const [waited, error] = yield* Effect.timed(Effect.flip(verifier.verify({ ...good, uuid: "hang" }, Duration.millis(300))))
      assert.strictEqual(error.reason, "timeout")
      assert.include(error.message, "no answer within 300 ms")
      assert.isAtLeast(Duration.toMillis(waited), 250)
      // The stuck thread holds what it was given since; each is let go after its own patience.
      assert.strictEqual((yield* Effect.flip(verifier.verify(good, Duration.millis(100)))).reason, "timeout")
    })
  )

  it.scopedLive("a thread sees none of the process's environment or arguments", () =>
    Effect.gen(function* () {
      const verifier = yield* faulty(1)
      assert.isAbove(Object.keys(process.env).length, 0)
      assert.isTrue(yield* verifier.verify({ ...signedRequest(signers[0]!), uuid: "env" }, patience))
    })
  )

  it.scopedLive("a worker that cannot start fails the layer", () =>
    Effect.gen(function* () {
      const missing = new URL("./fixtures/no-such-worker.mjs", import.meta.url)
      const error = yield* Effect.flip(Sr25519Verifier.make({ workers: 2, workerUrl: missing }))
      assert.strictEqual(error.reason, "start-failed")
      assert.include(error.message, "no-such-worker.mjs")
    })
  )
})
