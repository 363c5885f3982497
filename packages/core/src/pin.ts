import { Effect, Option } from "effect"
import type { GitHubId, Hotkey, PatEntry, Uid } from "./domain.js"
import { IdentityLockedError } from "./errors.js"
import type { SaveGuard } from "./PatStore.js"

/**
 * The identity pin (docs/outcomes.md, "Broadcasts", step 3): a hotkey that stored a token for one GitHub
 * account may not replace it with another account's. A different hotkey on the uid is a
 * new miner, so its entry is replaced whatever the account.
 */
export const pinAllows = (current: Option.Option<PatEntry>, hotkey: Hotkey, githubId: GitHubId): boolean =>
  Option.match(current, {
    onNone: () => true,
    onSome: (entry) => entry.hotkey !== hotkey || entry.githubId === githubId
  })

/** The pin as a `PatStore` save guard, so it is re-checked inside the store's critical section. */
export const pinGuard =
  (uid: Uid, hotkey: Hotkey, githubId: GitHubId): SaveGuard =>
  (current) =>
    pinAllows(current, hotkey, githubId) ? Effect.void : Effect.fail(new IdentityLockedError({ uid }))
