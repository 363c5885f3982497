import { Effect } from "effect"
import type { RequestOutcome } from "./Metrics.js"
import type { GitHubTimings } from "./ObservedGitHub.js"

/** The one log line of a request. Holds no token: `pat` is already masked (`***abcd`). */
export interface RequestLogEntry {
  readonly synapse: string
  readonly status: number
  readonly outcome: RequestOutcome
  readonly uid: number | undefined
  readonly hotkey: string | undefined
  readonly pat: string | undefined
  readonly reason: string | null
  readonly githubMs: GitHubTimings
  readonly totalMs: number
}

// Eight characters identify a hotkey in a log without spelling every address out.
const prefix = (hotkey: string): string => `${hotkey.slice(0, 8)}…`

const annotations = (entry: RequestLogEntry): Record<string, unknown> => ({
  synapse: entry.synapse,
  status: entry.status,
  outcome: entry.outcome,
  ...(entry.uid === undefined ? {} : { uid: entry.uid }),
  ...(entry.hotkey === undefined ? {} : { hotkey: prefix(entry.hotkey) }),
  ...(entry.pat === undefined ? {} : { pat: entry.pat }),
  ...(entry.reason === null ? {} : { reason: entry.reason }),
  github_ms: entry.githubMs,
  total_ms: Math.round(entry.totalMs * 10) / 10
})

/**
 * Logs the request's line: an Info record `request` annotated with the entry's fields. Below
 * the minimum log level nothing is built: annotating costs more than the rest of the line.
 */
export const logRequest = (entry: RequestLogEntry): Effect.Effect<void> =>
  Effect.asVoid(Effect.whenLogLevel(Effect.suspend(() => Effect.annotateLogs(Effect.logInfo("request"), annotations(entry))), "Info"))
