import { Hotkey, Metagraph } from "@gittensor-pat/core"
import { neuron } from "@gittensor-pat/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { Data, Effect, Either, Layer, Logger, Option, Ref, TestClock } from "effect"
import { type MetagraphSource, MetagraphStatus, ReloadingMetagraph, type Snapshot } from "../src/index.js"

class ReadFailed extends Data.TaggedError("ReadFailed")<{ readonly message: string }> {}

const snapshot = (block: number, hotkeys: ReadonlyArray<string>, netuid = 74): Snapshot => ({
  netuid,
  block,
  neurons: hotkeys.map((hotkey, uid) => neuron(uid, hotkey))
})

/** A source whose next reads answer what the test last set, counting them. */
const scripted = (label: string, first: Either.Either<Snapshot, string>) =>
  Effect.gen(function* () {
    const answer = yield* Ref.make(first)
    const reads = yield* Ref.make(0)
    const source: MetagraphSource<ReadFailed, never> = {
      label,
      read: Ref.update(reads, (n) => n + 1).pipe(
        Effect.zipRight(Ref.get(answer)),
        Effect.flatMap(Either.match({ onLeft: (message) => Effect.fail(new ReadFailed({ message })), onRight: Effect.succeed }))
      ),
      every: "1 minute",
      whenNotListed: `register it where ${label} reads`
    }
    return { source, set: (next: Either.Either<Snapshot, string>) => Ref.set(answer, next), reads: Ref.get(reads) }
  })

const ok = (block: number, hotkeys: ReadonlyArray<string> = ["5Own", "5Miner"], netuid = 74) =>
  Either.right(snapshot(block, hotkeys, netuid))

/** The layer built in the test's scope, its logs captured: the services and every log line. */
const build = <E, R>(layer: Layer.Layer<Metagraph | MetagraphStatus, E, R>) =>
  Effect.gen(function* () {
    const logs: Array<string> = []
    const capture = Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ logLevel, message }) => {
        logs.push(`${logLevel.label} ${String(message)}`)
      })
    )
    const context = yield* Layer.build(layer.pipe(Layer.provide(capture)))
    const metagraph = yield* Effect.provide(Metagraph, context)
    const status = yield* Effect.provide(MetagraphStatus, context)
    return { metagraph, health: status.health, logs }
  })

const nextTurn = TestClock.adjust("1 minute")

describe("ReloadingMetagraph: a metagraph served from a source, the last good snapshot kept (docs/metagraph.md)", () => {
  it.scoped("serves the first read, reads again every period, and reports where the snapshot came from", () =>
    Effect.gen(function* () {
      const chain = yield* scripted("Subnet 74 on test", ok(10))
      const { metagraph, health, logs } = yield* build(ReloadingMetagraph.layer({ source: chain.source, ownHotkey: "5Own" }))
      assert.deepInclude(yield* health, { source: "Subnet 74 on test", block: 10, neurons: 2, lastError: Option.none() })
      assert.strictEqual(yield* chain.reads, 1)

      yield* chain.set(ok(11, ["5Own", "5Miner", "5Late"]))
      yield* nextTurn
      assert.strictEqual(yield* chain.reads, 2)
      assert.deepInclude(yield* health, { block: 11, neurons: 3 })
      assert.isTrue(Option.isSome(yield* metagraph.uidOf(Hotkey.make("5Late"))))
      assert.isTrue(logs.some((line) => line === "INFO metagraph reloaded"))
    }))

  it.scoped("a failed read keeps the last good snapshot, names the error in the status and the log, and recovers", () =>
    Effect.gen(function* () {
      const chain = yield* scripted("Subnet 74 on test", ok(10))
      const { metagraph, health, logs } = yield* build(ReloadingMetagraph.layer({ source: chain.source, ownHotkey: "5Own" }))
      yield* chain.set(Either.left("Cannot read the chain at ws://x: refused."))
      yield* nextTurn
      assert.deepInclude(yield* health, { block: 10, lastError: Option.some("Cannot read the chain at ws://x: refused.") })
      assert.isTrue(Option.isSome(yield* metagraph.uidOf(Hotkey.make("5Miner"))))
      assert.include(logs, "ERROR Cannot read the chain at ws://x: refused.; still serving the last good metagraph")

      yield* chain.set(ok(12))
      yield* nextTurn
      assert.deepInclude(yield* health, { block: 12, lastError: Option.none() })
    }))

  it.scoped("reads that cannot be served are refused like failed ones: another subnet, no neurons, not this validator", () =>
    Effect.gen(function* () {
      const chain = yield* scripted("Subnet 74 on test", ok(10))
      const { metagraph, health } = yield* build(ReloadingMetagraph.layer({ source: chain.source, ownHotkey: "5Own", netuid: 74 }))
      const refused = [
        [ok(11, ["5Own"], 75), "Subnet 74 on test: is of subnet 75 (block 11), not of subnet 74 (--netuid)"],
        [ok(12, []), "Subnet 74 on test: lists no neurons (netuid 74, block 12)"],
        [ok(13, ["5Other", "5Miner"]), "Subnet 74 on test: does not list this validator's hotkey 5Own (netuid 74, block 13); register it where Subnet 74 on test reads"]
      ] as const
      for (const [answer, message] of refused) {
        yield* chain.set(answer)
        yield* nextTurn
        assert.deepInclude(yield* health, { block: 10, neurons: 2, lastError: Option.some(message) })
        assert.isTrue(Option.isNone(yield* metagraph.uidOf(Hotkey.make("5Other"))))
      }
    }))

  it.scoped("the first read must succeed: the layer fails with its error, or with the refusal", () =>
    Effect.gen(function* () {
      const failing = yield* scripted("Subnet 74 on test", Either.left("node down."))
      const down = yield* Effect.flip(Layer.build(ReloadingMetagraph.layer({ source: failing.source })))
      assert.strictEqual(down.message, "node down.")

      const stranger = yield* scripted("Subnet 74 on test", ok(3, ["5Other"]))
      const refused = yield* Effect.flip(Layer.build(ReloadingMetagraph.layer({ source: stranger.source, ownHotkey: "5Own" })))
      assert.deepInclude(refused, { _tag: "MetagraphRefused", source: "Subnet 74 on test" })
      assert.include(refused.message, "does not list this validator's hotkey 5Own")
    }))

  it.scoped("a source that says it has not changed is not read", () =>
    Effect.gen(function* () {
      const file = yield* scripted("Metagraph snapshot m.json", ok(10))
      const changed = yield* Ref.make(false)
      const source = { ...file.source, changed: Ref.getAndSet(changed, false) }
      const { health } = yield* build(ReloadingMetagraph.layer({ source }))
      yield* file.set(ok(11))
      yield* nextTurn
      assert.strictEqual(yield* file.reads, 1)
      yield* Ref.set(changed, true)
      yield* nextTurn
      assert.strictEqual(yield* file.reads, 2)
      assert.strictEqual((yield* health).block, 11)
    }))
})

describe("ReloadingMetagraph with a fallback (docs/metagraph.md: --metagraph FILE beside the chain)", () => {
  it.scoped("at start, a failed read serves the fallback and says why; the next good read replaces it", () =>
    Effect.gen(function* () {
      const chain = yield* scripted("Subnet 74 on test", Either.left("node down."))
      const file = yield* scripted("Metagraph snapshot m.json", ok(5))
      const { health, logs } = yield* build(ReloadingMetagraph.layer({ source: chain.source, fallback: file.source, ownHotkey: "5Own" }))
      assert.deepInclude(yield* health, { source: "Metagraph snapshot m.json", block: 5, lastError: Option.some("node down.") })
      assert.include(logs, "WARN node down.; serving the fallback Metagraph snapshot m.json (block 5) until a read succeeds")

      yield* chain.set(ok(20))
      yield* nextTurn
      assert.deepInclude(yield* health, { source: "Subnet 74 on test", block: 20, lastError: Option.none() })
    }))

  it.scoped("later, the fallback replaces the served snapshot only when it is newer", () =>
    Effect.gen(function* () {
      const chain = yield* scripted("Subnet 74 on test", ok(20))
      const file = yield* scripted("Metagraph snapshot m.json", ok(5))
      const { health, logs } = yield* build(ReloadingMetagraph.layer({ source: chain.source, fallback: file.source, ownHotkey: "5Own" }))
      assert.strictEqual(yield* file.reads, 0, "the fallback is read only when the source fails")

      yield* chain.set(Either.left("node down."))
      yield* nextTurn
      assert.deepInclude(yield* health, { source: "Subnet 74 on test", block: 20 })
      assert.include(logs, "ERROR node down. (the fallback Metagraph snapshot m.json is not used: it holds block 5, not newer); still serving the last good metagraph")

      yield* file.set(ok(30))
      yield* nextTurn
      assert.deepInclude(yield* health, { source: "Metagraph snapshot m.json", block: 30, lastError: Option.some("node down.") })

      yield* file.set(ok(40, ["5Other"]))
      yield* nextTurn
      assert.deepInclude(yield* health, { source: "Metagraph snapshot m.json", block: 30 })
      assert.include(Option.getOrThrow((yield* health).lastError), "the fallback Metagraph snapshot m.json is not used: Metagraph snapshot m.json: does not list")
    }))

  it.scoped("at start, when the fallback fails too, the error names both", () =>
    Effect.gen(function* () {
      const chain = yield* scripted("Subnet 74 on test", Either.left("Cannot read the chain at ws://x: refused."))
      const file = yield* scripted("Metagraph snapshot m.json", Either.left("Metagraph snapshot m.json: not found."))
      const error = yield* Effect.flip(Layer.build(ReloadingMetagraph.layer({ source: chain.source, fallback: file.source })))
      assert.strictEqual(error._tag, "MetagraphUnavailable")
      assert.strictEqual(
        error.message,
        "Cannot read the chain at ws://x: refused. The fallback failed too: Metagraph snapshot m.json: not found."
      )
    }))
})
