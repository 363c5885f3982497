import { Option } from "effect"

/** How a miner files one validator's answer to a check (docs/outcomes.md, "How the miner files a check answer"). */
export type CheckCategory = "valid" | "no_pat" | "invalid_pat" | "inconclusive" | "no_response"

/** Every check category, in the order the miner CLI reports them. */
export const CheckCategories: ReadonlyArray<CheckCategory> = [
  "valid",
  "no_pat",
  "invalid_pat",
  "inconclusive",
  "no_response"
]

/** How a miner files one validator's answer to a broadcast. */
export type BroadcastCategory = "accepted" | "rejected" | "no_response"

/** Every broadcast category, in the order the miner CLI reports them. */
export const BroadcastCategories: ReadonlyArray<BroadcastCategory> = ["accepted", "rejected", "no_response"]

/** The check fields a validator answered with; `Option.none()` when it gave no 200 answer. */
export interface CheckResponse {
  readonly has_pat?: boolean | null | undefined
  readonly pat_valid?: boolean | null | undefined
}

/** The broadcast fields a validator answered with; `Option.none()` when it gave no 200 answer. */
export interface BroadcastResponse {
  readonly accepted?: boolean | null | undefined
}

/** Files a check answer; the rows are tried in the order of docs/outcomes.md. */
export const checkCategory = (response: Option.Option<CheckResponse>): CheckCategory =>
  Option.match(response, {
    onNone: () => "no_response",
    onSome: ({ has_pat, pat_valid }) => {
      if (pat_valid === true) return "valid"
      if (has_pat === false) return "no_pat"
      if (has_pat === true) return pat_valid === false ? "invalid_pat" : "inconclusive"
      return "no_response"
    }
  })

/** Files a broadcast answer: only an explicit `accepted` counts as an answer. */
export const broadcastCategory = (response: Option.Option<BroadcastResponse>): BroadcastCategory =>
  Option.match(response, {
    onNone: () => "no_response",
    onSome: ({ accepted }) => (accepted === true ? "accepted" : accepted === false ? "rejected" : "no_response")
  })

/** Counts per category; every category in `categories` is present, with 0 when none was seen. */
export const countCategories = <C extends string>(
  categories: ReadonlyArray<C>,
  seen: Iterable<C>
): Record<C, number> => {
  const counts = Object.fromEntries(categories.map((category) => [category, 0])) as Record<C, number>
  for (const category of seen) counts[category] += 1
  return counts
}
