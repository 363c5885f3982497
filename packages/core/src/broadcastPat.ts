import { Clock, Effect, Fiber, Match, Option } from "effect"
import { askGitHub } from "./askGitHub.js"
import type { GitHub } from "./GitHub.js"
import type * as Deadline from "./Deadline.js"
import { type Hotkey, type Pat, PatEntry, type Uid } from "./domain.js"
import { HotkeyNotRegisteredError, IdentityLockedError, type PipelineFailure } from "./errors.js"
import { Messages } from "./messages.js"
import { Metagraph } from "./Metagraph.js"
import { BroadcastOutcome } from "./Outcome.js"
import { PatStore } from "./PatStore.js"
import { pinAllows, pinGuard } from "./pin.js"

/** Every failure a broadcast can meet (docs/outcomes.md, "Broadcasts", steps 1–5). */
export type BroadcastFailure = PipelineFailure

/**
 * The one decision from failure kind to broadcast outcome (docs/outcomes.md, "Broadcasts"). `Match.valueTags`
 * must name every tag, so a new kind of failure cannot compile until it is decided here.
 */
export const broadcastOutcomeOf =
  (uid: Uid) =>
  (failure: BroadcastFailure): BroadcastOutcome =>
    Match.valueTags(failure, {
      HotkeyNotRegisteredError: () => rejected(Messages.notRegistered, false),
      StoreUnavailableError: () => rejected(Messages.storeUnavailable, true),
      IdentityLockedError: () => rejected(Messages.identityLocked, false),
      TransientGitHubError: (e) =>
        e.endpoint === "identity"
          ? rejected(Messages.identityTransient(uid), true)
          : rejected(Messages.broadcastRetryLater, true),
      InvalidPatError: (e) =>
        e.endpoint === "identity"
          ? rejected(Messages.noGitHubId(uid), false)
          : rejected(Messages.testQueryFailed(e.message), false)
    })

const rejected = (reason: string, transient: boolean) => BroadcastOutcome.Rejected({ reason, transient })

/**
 * Answers a `PatBroadcastSynapse` (docs/outcomes.md, "Broadcasts"): registered → identity →
 * pin → test query → save, the outcome decided in that order while both GitHub calls run at
 * once. GitHub calls are answered by `deadline`; the save is not bounded, because cutting a
 * store write short could lose an acknowledged entry.
 */
export const broadcastPat = (
  hotkey: Hotkey,
  pat: Pat,
  deadline: Deadline.Deadline
): Effect.Effect<BroadcastOutcome, never, GitHub | PatStore | Metagraph> =>
  Effect.gen(function* () {
    const metagraph = yield* Metagraph
    const registered = yield* metagraph.uidOf(hotkey)
    // Every uid-bearing row needs a registered hotkey, so the placeholder is never shown.
    const decide = broadcastOutcomeOf(Option.getOrElse(registered, () => 0 as Uid))
    return yield* store(registered, hotkey, pat, deadline).pipe(
      Effect.catchAll((failure) => Effect.succeed(decide(failure)))
    )
  })

const store = (registered: Option.Option<Uid>, hotkey: Hotkey, pat: Pat, deadline: Deadline.Deadline) =>
  Effect.gen(function* () {
    const uid = yield* Effect.orElseFail(registered, () => new HotkeyNotRegisteredError({ hotkey }))
    const patStore = yield* PatStore
    const storedAt = new Date(yield* Clock.currentTimeMillis).toISOString()
    // The uid's entry is read while GitHub answers, not after: a broadcast then waits for
    // the store once (its save), not twice. Its answer counts only once identity has passed,
    // and a change to the entry meanwhile is still caught: the save checks the pin again.
    // A hotkey broadcasting again may only store a token of the account it stored before
    // (the pin), so that save is known now, and the store may do its work while GitHub answers.
    const stored = yield* Effect.fork(
      Effect.flatMap(patStore.get(uid), (current) => {
        const again = Option.map(
          Option.filter(current, (entry) => entry.hotkey === hotkey),
          (entry) => PatEntry.make({ uid, hotkey, pat, githubId: entry.githubId, storedAt })
        )
        return Effect.as(Option.match(again, { onNone: () => Effect.void, onSome: patStore.prepare }), {
          current,
          again
        })
      })
    )
    // Decided in the contract's order: identity, pin, test query. A pin failure cuts the test
    // query short too; its verdict counts only once identity and pin have passed.
    const { githubId, testQuery } = yield* askGitHub(pat, deadline)
    const { again, current } = yield* Effect.tapError(Fiber.join(stored), () => testQuery.cancel)
    if (!pinAllows(current, hotkey, githubId)) {
      yield* testQuery.cancel
      return yield* new IdentityLockedError({ uid })
    }
    yield* testQuery.answer
    // The pin passed, so an entry known before identity answered is of identity's account.
    const entry = Option.getOrElse(again, () => PatEntry.make({ uid, hotkey, pat, githubId, storedAt }))
    yield* Effect.uninterruptible(patStore.save(entry, pinGuard(uid, hotkey, githubId)))
    return BroadcastOutcome.Accepted({ githubId })
  }).pipe(Effect.scoped)
