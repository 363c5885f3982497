import { Effect, Match, Option } from "effect"
import { askGitHub } from "./askGitHub.js"
import type { GitHub } from "./GitHub.js"
import type * as Deadline from "./Deadline.js"
import type { Hotkey, Uid } from "./domain.js"
import type { HotkeyNotRegisteredError, IdentityLockedError, PipelineFailure } from "./errors.js"
import { Messages } from "./messages.js"
import { Metagraph } from "./Metagraph.js"
import { CheckOutcome } from "./Outcome.js"
import { PatStore } from "./PatStore.js"

/**
 * Every failure a check of a registered hotkey can meet. The pin is only re-checked by a
 * save, and an unregistered hotkey simply has no entry (docs/outcomes.md, "Checks", row 2).
 */
export type CheckFailure = Exclude<PipelineFailure, IdentityLockedError | HotkeyNotRegisteredError>

/**
 * The one decision from failure kind to check outcome (docs/outcomes.md, "Checks"). `Match.valueTags`
 * must name every tag, so a new kind of failure cannot compile until it is decided here.
 */
export const checkOutcomeOf =
  (uid: Uid) =>
  (failure: CheckFailure): CheckOutcome =>
    Match.valueTags(failure, {
      StoreUnavailableError: () => CheckOutcome.StoreUnavailable(),
      TransientGitHubError: (e) => CheckOutcome.Inconclusive({ step: e.endpoint }),
      InvalidPatError: (e) =>
        CheckOutcome.Invalid({
          reason: e.endpoint === "identity" ? Messages.noGitHubId(uid) : Messages.testQueryFailed(e.message)
        })
    })

// The pipelines carry no span: nothing exports traces, and even with the tracer off a span
// captures a stack per call, a visible share of a check's CPU at full load.

/**
 * Answers a `PatCheckSynapse` (docs/outcomes.md, "Checks"): is the token stored for this hotkey's uid
 * still usable? Identity and test query run concurrently, each answered by `deadline`;
 * an identity failure decides the outcome before any test-query failure does.
 */
export const checkPat = (
  hotkey: Hotkey,
  deadline: Deadline.Deadline
): Effect.Effect<CheckOutcome, never, GitHub | PatStore | Metagraph> =>
  Effect.gen(function* () {
    const metagraph = yield* Metagraph
    const uid = yield* metagraph.uidOf(hotkey)
    if (Option.isNone(uid)) return CheckOutcome.NoPat()
    return yield* checkStored(uid.value, hotkey, deadline).pipe(
      Effect.catchAll((failure) => Effect.succeed(checkOutcomeOf(uid.value)(failure)))
    )
  })

const checkStored = (uid: Uid, hotkey: Hotkey, deadline: Deadline.Deadline) =>
  Effect.gen(function* () {
    const store = yield* PatStore
    const entry = Option.filter(yield* store.get(uid), (stored) => stored.hotkey === hotkey)
    if (Option.isNone(entry)) return CheckOutcome.NoPat()
    // A test-query failure has to wait for the identity answer that outranks it.
    const { testQuery } = yield* askGitHub(entry.value.pat, deadline)
    yield* testQuery.answer
    return CheckOutcome.Valid()
  })
