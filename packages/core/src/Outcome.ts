import { Data } from "effect"
import type { GitHubId } from "./domain.js"

/** What a `PatCheckSynapse` found (docs/outcomes.md, "Checks"), before it is put on the wire. */
export type CheckOutcome = Data.TaggedEnum<{
  StoreUnavailable: {}
  NoPat: {}
  Inconclusive: { readonly step: "identity" | "test-query" }
  Invalid: { readonly reason: string }
  Valid: {}
}>
export const CheckOutcome = Data.taggedEnum<CheckOutcome>()

/** What a `PatBroadcastSynapse` achieved (docs/outcomes.md, "Broadcasts"). */
export type BroadcastOutcome = Data.TaggedEnum<{
  Accepted: { readonly githubId: GitHubId }
  Rejected: { readonly reason: string; readonly transient: boolean }
}>
export const BroadcastOutcome = Data.taggedEnum<BroadcastOutcome>()
