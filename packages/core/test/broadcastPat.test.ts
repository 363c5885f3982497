import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Option, Redacted, TestClock } from "effect"
import { BroadcastOutcome, broadcastPat, Deadline, Messages, type PatEntry } from "@gittensor-pat/core"
import { Answer, InMemoryPatStore, ScriptedGitHub, StaticMetagraph } from "@gittensor-pat/core/testing"
import { alice, bob, githubId, neurons, pat, stored, stranger, uid, world } from "./world.js"

const token = "ghp_newAliceToken00000000000000000002"
const ok = { identity: Answer.succeed(githubId("1001")), testQuery: Answer.succeed("alice") }

const broadcast = (hotkey = alice, secret = token) =>
  Effect.flatMap(Deadline.after("10 seconds"), (deadline) => broadcastPat(hotkey, pat(secret), deadline))

const accepted = (id: string) => BroadcastOutcome.Accepted({ githubId: githubId(id) })

/** A broadcast is refused with `reason`, transient or not, and leaves the store as it was. */
const rejectedWith = (reason: string, transient: boolean) =>
  Effect.gen(function* () {
    const before = yield* (yield* InMemoryPatStore).entries
    assert.deepStrictEqual(yield* broadcast(), BroadcastOutcome.Rejected({ reason, transient }))
    assert.deepStrictEqual(yield* (yield* InMemoryPatStore).entries, before)
  })

const tokensOf = (entries: ReadonlyArray<PatEntry>) => entries.map((e) => [e.uid, e.hotkey, Redacted.value(e.pat), e.githubId])

describe("PatBroadcastSynapse (docs/outcomes.md, Broadcasts)", () => {
  it.effect("1. hotkey not registered in the metagraph → Hotkey not registered on subnet, not stored", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(
        yield* broadcast(stranger),
        BroadcastOutcome.Rejected({ reason: Messages.notRegistered, transient: false })
      )
      assert.deepStrictEqual(yield* (yield* InMemoryPatStore).entries, [])
      assert.strictEqual((yield* (yield* ScriptedGitHub).calls).length, 0)
    }).pipe(Effect.provide(world({ github: { [token]: ok } })))
  )

  it.effect("1. the metagraph drops the hotkey mid-request → the next broadcast is refused", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* broadcast(), accepted("1001"))
      yield* (yield* StaticMetagraph).set(neurons.filter((n) => n.hotkey !== alice))
      assert.deepStrictEqual(
        yield* broadcast(),
        BroadcastOutcome.Rejected({ reason: Messages.notRegistered, transient: false })
      )
    }).pipe(Effect.provide(world({ github: { [token]: ok } })))
  )

  it.effect("2. identity lookup invalid → No Github id found for miner <uid>'s PAT, not stored", () =>
    rejectedWith(Messages.noGitHubId(uid(0)), false).pipe(
      Effect.provide(
        world({ github: { [token]: { ...ok, identity: Answer.invalid("unauthorized", "401") } } })
      )
    )
  )

  it.effect("2. identity lookup transient → Could not validate Github id for miner <uid>, not stored", () =>
    rejectedWith("Could not validate Github id for miner 0: GitHub /user lookup failed transiently", true).pipe(
      Effect.provide(
        world({
          store: { entries: [stored(0, alice, "ghp_old", "1001")] },
          // A test query still pending when identity fails is cut short, not awaited.
          github: { [token]: { identity: Answer.transient("transport"), testQuery: Answer.delay(60_000, Answer.succeed("alice")) } }
        })
      )
    )
  )

  it.effect("3. identity pin: same hotkey, different github_id on the uid → GitHub identity is locked, not stored", () =>
    Effect.gen(function* () {
      // The test query would answer only after the deadline, and the test clock never moves:
      // the pin decides as soon as identity answers, cutting the pending test query short.
      yield* rejectedWith(Messages.identityLocked, false)
    }).pipe(
      Effect.provide(
        world({
          store: { entries: [stored(0, alice, "ghp_old", "2002")] },
          github: { [token]: { ...ok, testQuery: Answer.delay(60_000, Answer.succeed("alice")) } }
        })
      )
    )
  )

  it.effect("3. store unreadable when reading the pin → Validator PAT store temporarily unavailable", () =>
    rejectedWith(Messages.storeUnavailable, true).pipe(
      Effect.provide(world({ store: { faults: { read: true } }, github: { [token]: ok } }))
    )
  )

  it.effect("3. the uid's entry is read while GitHub answers: a slow read adds nothing to the wait", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(broadcast())
      yield* TestClock.adjust("100 millis")
      const done = yield* Fiber.poll(fiber)
      assert.isTrue(Option.isSome(done), "still waiting after GitHub answered: the read came after identity")
      assert.deepStrictEqual(yield* Fiber.join(fiber), accepted("1001"))
    }).pipe(
      Effect.provide(
        world({
          store: { getLatency: "100 millis" },
          github: { [token]: { identity: Answer.delay(100, ok.identity), testQuery: Answer.delay(100, ok.testQuery) } }
        })
      )
    )
  )

  it.effect("2 before 3: an identity failure outranks a store that cannot be read", () =>
    rejectedWith(Messages.noGitHubId(uid(0)), false).pipe(
      Effect.provide(
        world({
          store: { faults: { read: true } },
          github: { [token]: { ...ok, identity: Answer.invalid("unauthorized", "401") } }
        })
      )
    )
  )

  it.effect("4. test query invalid → PAT test query failed: <message of the test query table>, not stored", () =>
    rejectedWith("PAT test query failed: GraphQL error: Bad credentials", false).pipe(
      Effect.provide(
        world({
          github: {
            [token]: {
              ...ok,
              testQuery: Answer.invalid("graphql-error", Messages.graphqlError("Bad credentials"))
            }
          }
        })
      )
    )
  )

  it.effect("4. test query transient → GitHub API temporarily unavailable; the PAT was not evaluated", () =>
    rejectedWith(Messages.broadcastRetryLater, true).pipe(
      Effect.provide(
        world({
          store: { entries: [stored(0, alice, "ghp_old", "1001")] },
          github: { [token]: { ...ok, testQuery: Answer.transient("status", 503) } }
        })
      )
    )
  )

  it.effect("5. store unwritable at the upsert → store message, entries left as they were", () =>
    rejectedWith(Messages.storeUnavailable, true).pipe(
      Effect.provide(
        world({
          store: { entries: [stored(0, alice, "ghp_old", "1001")], faults: { write: true } },
          github: { [token]: ok }
        })
      )
    )
  )

  it.effect("5. pin re-checked in the critical section: an entry pinned meanwhile → locked", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(broadcast())
      yield* TestClock.adjust("50 millis")
      yield* (yield* InMemoryPatStore).put(stored(0, alice, "ghp_other", "2002"))
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(
        yield* Fiber.join(fiber),
        BroadcastOutcome.Rejected({ reason: Messages.identityLocked, transient: false })
      )
      assert.deepStrictEqual(tokensOf(yield* (yield* InMemoryPatStore).entries), [[0, alice, "ghp_other", "2002"]])
    }).pipe(
      Effect.provide(
        world({ github: { [token]: { ...ok, testQuery: Answer.delay(100, ok.testQuery) } } })
      )
    )
  )

  it.effect("success → accepted, no reason, upserted by uid with storedAt from the clock", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 10, 26, 18, 30, 0))
      assert.deepStrictEqual(yield* broadcast(), accepted("1001"))
      const entries = yield* (yield* InMemoryPatStore).entries
      assert.deepStrictEqual(tokensOf(entries), [
        [0, alice, token, "1001"],
        [1, bob, "ghp_bob", "3003"]
      ])
      assert.strictEqual(entries[0]?.storedAt, "2026-11-26T18:30:00.000Z")
    }).pipe(
      Effect.provide(
        world({
          store: { entries: [stored(0, alice, "ghp_old", "1001"), stored(1, bob, "ghp_bob", "3003")] },
          github: { [token]: ok }
        })
      )
    )
  )

  it.effect("a new hotkey on a uid replaces the old entry whatever its github id", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* broadcast(), accepted("1001"))
      assert.deepStrictEqual(tokensOf(yield* (yield* InMemoryPatStore).entries), [[0, alice, token, "1001"]])
    }).pipe(
      Effect.provide(
        world({ store: { entries: [stored(0, bob, "ghp_previous_miner", "9009")] }, github: { [token]: ok } })
      )
    )
  )

  it.effect("the save is never cut: interrupting the request during a slow write still stores", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(broadcast())
      yield* TestClock.adjust("10 millis")
      yield* Fiber.interruptFork(fiber)
      yield* TestClock.adjust("1 second")
      assert.isTrue(Exit.isInterrupted(yield* Fiber.await(fiber)))
      assert.deepStrictEqual(tokensOf(yield* (yield* InMemoryPatStore).entries), [[0, alice, token, "1001"]])
    }).pipe(Effect.provide(world({ store: { saveLatency: "1 second" }, github: { [token]: ok } })))
  )

  it.effect("the deadline bounds GitHub, not the save: a write running past it is accepted", () =>
    Effect.gen(function* () {
      const deadline = yield* Deadline.after("500 millis")
      const fiber = yield* Effect.fork(broadcastPat(alice, pat(token), deadline))
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual(yield* Fiber.join(fiber), accepted("1001"))
      assert.strictEqual(yield* (yield* InMemoryPatStore).writes, 1)
    }).pipe(Effect.provide(world({ store: { saveLatency: "1 second" }, github: { [token]: ok } })))
  )

  it.effect("a hotkey broadcasting again announces its save while GitHub answers, and saves what it announced", () =>
    Effect.gen(function* () {
      const store = yield* InMemoryPatStore
      const fiber = yield* Effect.fork(broadcast())
      yield* TestClock.adjust("10 millis")
      // Identity has not answered yet.
      const announced = yield* store.prepared
      assert.deepStrictEqual(tokensOf(announced), [[0, alice, token, "1001"]])
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* Fiber.join(fiber), accepted("1001"))
      assert.strictEqual((yield* store.entries)[0], announced[0])
    }).pipe(
      Effect.provide(
        world({
          store: { entries: [stored(0, alice, "ghp_old", "1001")] },
          github: { [token]: { ...ok, identity: Answer.delay(100, ok.identity) } }
        })
      )
    )
  )

  it.effect("an announced save that the test query then refuses is not made", () =>
    Effect.gen(function* () {
      const store = yield* InMemoryPatStore
      assert.strictEqual((yield* broadcast())._tag, "Rejected")
      assert.strictEqual((yield* store.prepared).length, 1)
      assert.deepStrictEqual(tokensOf(yield* store.entries), [[0, alice, "ghp_old", "1001"]])
    }).pipe(
      Effect.provide(
        world({
          store: { entries: [stored(0, alice, "ghp_old", "1001")] },
          github: { [token]: { ...ok, testQuery: Answer.invalid("unauthorized", "401") } }
        })
      )
    )
  )

  for (const [name, entries] of [
    ["a first broadcast on the uid", []],
    ["a new hotkey on the uid", [stored(0, bob, "ghp_previous_miner", "9009")]]
  ] as const) {
    it.effect(`${name} announces nothing ahead: its account is not known before identity answers`, () =>
      Effect.gen(function* () {
        assert.deepStrictEqual(yield* broadcast(), accepted("1001"))
        assert.deepStrictEqual(yield* (yield* InMemoryPatStore).prepared, [])
      }).pipe(Effect.provide(world({ store: { entries }, github: { [token]: ok } })))
    )
  }
})
