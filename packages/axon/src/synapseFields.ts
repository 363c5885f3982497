import { type BroadcastOutcome, type CheckOutcome, Messages } from "@gittensor-pat/core"
import { Match } from "effect"

/** The response fields of a `PatCheckSynapse` (docs/outcomes.md, "Checks"). */
export interface CheckFields {
  readonly has_pat: boolean
  readonly pat_valid: boolean | null
  readonly rejection_reason: string | null
}

/** The response fields of a `PatBroadcastSynapse` (docs/outcomes.md, "Broadcasts"). */
export interface BroadcastFields {
  readonly accepted: boolean
  readonly rejection_reason: string | null
}

/** Puts a check outcome on the wire as the synapse's response fields. */
export const checkFields = (outcome: CheckOutcome): CheckFields =>
  Match.valueTags(outcome, {
    StoreUnavailable: () => ({ has_pat: false, pat_valid: null, rejection_reason: Messages.storeUnavailable }),
    NoPat: () => ({ has_pat: false, pat_valid: false, rejection_reason: Messages.noPat }),
    Inconclusive: () => ({ has_pat: true, pat_valid: null, rejection_reason: Messages.checkRetryLater }),
    Invalid: ({ reason }) => ({ has_pat: true, pat_valid: false, rejection_reason: reason }),
    Valid: () => ({ has_pat: true, pat_valid: true, rejection_reason: null })
  })

/** Puts a broadcast outcome on the wire as the synapse's response fields. */
export const broadcastFields = (outcome: BroadcastOutcome): BroadcastFields =>
  Match.valueTags(outcome, {
    Accepted: () => ({ accepted: true, rejection_reason: null }),
    Rejected: ({ reason }) => ({ accepted: false, rejection_reason: reason })
  })
