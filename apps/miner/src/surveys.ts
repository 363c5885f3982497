import {
  type BroadcastCategory,
  BroadcastCategories,
  broadcastCategory,
  type CheckCategory,
  CheckCategories,
  checkCategory
} from "./categories.js"
import type { SynapseName, SynapseResponse } from "@gittensor-pat/axon"
import type { Option } from "effect"

/** A check's response fields as the miner reports them; null where no answer came. */
export interface CheckAnswer {
  readonly has_pat: boolean | null
  readonly pat_valid: boolean | null
  readonly rejection_reason: string | null
}

/** A broadcast's response fields as the miner reports them; null where no answer came. */
export interface PostAnswer {
  readonly accepted: boolean | null
  readonly rejection_reason: string | null
}

/**
 * What differs between asking every validator to store the PAT and asking whether they
 * hold one: the synapse, its fields, how an answer is filed, and what the summary says.
 */
export interface Survey<F, C extends string, N extends SynapseName> {
  readonly command: "post" | "check"
  readonly synapse: N
  readonly categories: ReadonlyArray<C>
  /** The category that makes the run a success (exit 0) when any validator reaches it. */
  readonly success: C
  readonly defaultTimeoutSeconds: number
  /** The fields reported for a validator that gave no answer. */
  readonly unanswered: F
  /** Keeps only the response fields, so nothing else of the synapse reaches the report. */
  readonly fieldsOf: (response: SynapseResponse[N]) => F
  readonly categorize: (answer: Option.Option<F>) => C
  readonly summary: (counts: Readonly<Record<C, number>>, total: number) => string
}

const clause = (count: number, text: string): ReadonlyArray<string> =>
  count > 0 ? [`${count} ${text}`] : []

const holds = (count: number) => (count === 1 ? "holds" : "hold")

/** `PatCheckSynapse`: does each validator hold a working PAT for this miner? */
export const checkSurvey: Survey<CheckAnswer, CheckCategory, "PatCheckSynapse"> = {
  command: "check",
  synapse: "PatCheckSynapse",
  categories: CheckCategories,
  success: "valid",
  defaultTimeoutSeconds: 15,
  unanswered: { has_pat: null, pat_valid: null, rejection_reason: null },
  fieldsOf: ({ has_pat, pat_valid, rejection_reason }) => ({ has_pat, pat_valid, rejection_reason }),
  categorize: checkCategory,
  summary: (counts, total) =>
    [
      `${counts.valid}/${total} validators hold a valid PAT`,
      ...clause(counts.inconclusive, "inconclusive — GitHub was unavailable to them, retry later"),
      ...clause(counts.invalid_pat, `${holds(counts.invalid_pat)} an invalid PAT — post a working one with \`pnpm miner post\``),
      ...clause(counts.no_pat, `${holds(counts.no_pat)} no PAT for this hotkey — run \`pnpm miner post\``),
      ...clause(counts.no_response, "did not answer — they may be down; retry later")
    ].join("; ")
}

/** `PatBroadcastSynapse`: hand the PAT to each validator. */
export const postSurvey: Survey<PostAnswer, BroadcastCategory, "PatBroadcastSynapse"> = {
  command: "post",
  synapse: "PatBroadcastSynapse",
  categories: BroadcastCategories,
  success: "accepted",
  defaultTimeoutSeconds: 30,
  unanswered: { accepted: null, rejection_reason: null },
  fieldsOf: ({ accepted, rejection_reason }) => ({ accepted, rejection_reason }),
  categorize: broadcastCategory,
  summary: (counts, total) =>
    [
      `${counts.accepted}/${total} validators accepted the PAT`,
      ...clause(counts.rejected, "rejected it — see the reasons above"),
      ...clause(counts.no_response, "did not answer — they may be down; retry later")
    ].join("; ")
}
