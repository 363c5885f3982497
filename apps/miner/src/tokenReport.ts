import { Duration } from "effect"
import { readOnlyAdvice, writingScopes } from "./scopes.js"

/** Classic tokens carry scopes; fine-grained ones carry permissions GitHub does not show. */
export type TokenKind = "classic" | "fine-grained" | "unknown"

/** GitHub's rate limit for the token, from its `x-ratelimit-*` headers. */
export interface RateLimit {
  readonly limit: number
  readonly remaining: number
  readonly resetAt: Date
}

/** What GitHub's own answer says about a token: never the token itself. */
export interface TokenReport {
  /** The account, when GitHub accepted the token. */
  readonly login: string | null
  readonly kind: TokenKind
  /** A classic token's scopes; null for other kinds. */
  readonly scopes: ReadonlyArray<string> | null
  /** The scopes among them that grant write or admin rights. */
  readonly writingScopes: ReadonlyArray<string>
  readonly expiresAt: Date | null
  readonly rateLimit: RateLimit | null
}

/** Header names in lower case, as HTTP clients hand them over. */
export type AnswerHeaders = Readonly<Record<string, string | undefined>>

/** Below this, an expiry date is a warning. */
export const expiryWarningDays = 14

/** GitHub's prefix for fine-grained personal access tokens. */
const fineGrainedPrefix = "github_pat_"

/**
 * `github-authentication-token-expiration` as GitHub writes it: `2026-06-01 00:00:00 UTC`
 * or with an offset, `2026-06-01 09:00:00 +0900`. Null when absent or unreadable.
 */
export const parseExpiry = (text: string | undefined): Date | null => {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (UTC|[+-]\d{4})$/.exec(text?.trim() ?? "")
  if (match === null) return null
  const [, day, time, zone = ""] = match
  const offset = zone === "UTC" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(3)}`
  const date = new Date(`${day}T${time}${offset}`)
  return Number.isNaN(date.getTime()) ? null : date
}

const count = (text: string | undefined): number | null =>
  text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : null

/** `x-ratelimit-limit`, `-remaining` and `-reset` (epoch seconds); null unless all three read. */
export const parseRateLimit = (headers: AnswerHeaders): RateLimit | null => {
  const limit = count(headers["x-ratelimit-limit"])
  const remaining = count(headers["x-ratelimit-remaining"])
  const reset = count(headers["x-ratelimit-reset"])
  return limit === null || remaining === null || reset === null
    ? null
    : { limit, remaining, resetAt: new Date(reset * 1000) }
}

const parseScopes = (text: string): ReadonlyArray<string> =>
  text
    .split(",")
    .map((scope) => scope.trim())
    .filter((scope) => scope !== "")

/** The report when GitHub gave no answer to read it from: everything but the login is unknown. */
export const unreadTokenReport = (login: string | null): TokenReport => ({
  login,
  kind: "unknown",
  scopes: null,
  writingScopes: [],
  expiresAt: null,
  rateLimit: null
})

/**
 * The report from the headers of GitHub's 200 answer to `GET /user` (none when GitHub gave
 * no such answer: the kind is then unknown). A classic token's answer carries
 * `x-oauth-scopes` (empty when it has no scope); a fine-grained token's does not, and its
 * prefix says so too. `token` is read only for that prefix.
 */
export const tokenReportOf = (
  headers: AnswerHeaders | undefined,
  login: string | null,
  token: string
): TokenReport => {
  if (headers === undefined) return unreadTokenReport(login)
  const scopeHeader = headers["x-oauth-scopes"]
  const classic = scopeHeader !== undefined && !token.startsWith(fineGrainedPrefix)
  const scopes = classic ? parseScopes(scopeHeader) : null
  return {
    login,
    kind: classic ? "classic" : "fine-grained",
    scopes,
    writingScopes: writingScopes(scopes ?? []),
    expiresAt: parseExpiry(headers["github-authentication-token-expiration"]),
    rateLimit: parseRateLimit(headers)
  }
}

/** The token document (docs/miner.md, "token"): what `miner token --json` prints, and the `token` key of `post` and `ensure`. */
export interface TokenDocument {
  readonly login: string | null
  readonly kind: TokenKind
  readonly scopes: ReadonlyArray<string> | null
  readonly writes: boolean
  readonly expires_at: string | null
  readonly rate_limit: { readonly limit: number; readonly remaining: number; readonly reset_at: string } | null
}

/** The report as the token document (never the token: the report does not hold it). */
export const toTokenDocument = (report: TokenReport): TokenDocument => ({
  login: report.login,
  kind: report.kind,
  scopes: report.scopes,
  writes: report.writingScopes.length > 0,
  expires_at: report.expiresAt?.toISOString() ?? null,
  rate_limit:
    report.rateLimit === null
      ? null
      : {
          limit: report.rateLimit.limit,
          remaining: report.rateLimit.remaining,
          reset_at: report.rateLimit.resetAt.toISOString()
        }
})

/**
 * The `token` key of a `post` or `ensure` document: the token document, or null when the
 * run stopped before its local check. A check that found GitHub unreachable still has a
 * report (kind `unknown`, or what a lone 200 from `GET /user` showed), as `miner token` prints.
 */
export const tokenKeyOf = (report: TokenReport | null): TokenDocument | null =>
  report === null ? null : toTokenDocument(report)

/** `2026-06-01 00:00 UTC`: to the minute is what a person needs. */
export const formatInstant = (date: Date): string => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`

/** `5 days`, `7 hours`, `12 minutes`: the largest whole unit, for a time still ahead. */
export const formatSpan = (millis: number): string => {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`
  const minutes = Math.max(0, Math.floor(millis / 60_000))
  if (minutes < 60) return plural(minutes, "minute")
  if (minutes < 24 * 60) return plural(Math.floor(minutes / 60), "hour")
  return plural(Math.floor(minutes / (24 * 60)), "day")
}

/** `2026-06-01 00:00 UTC (in 31 days)`, or why there is no such date. */
const expiryText = (expiresAt: Date | null, nowMs: number): string =>
  expiresAt === null
    ? "none"
    : expiresAt.getTime() <= nowMs
      ? `${formatInstant(expiresAt)} (passed)`
      : `${formatInstant(expiresAt)} (in ${formatSpan(expiresAt.getTime() - nowMs)})`

const kindText = (report: TokenReport): string => {
  switch (report.kind) {
    case "classic":
      return `classic, scopes: ${report.scopes?.length ? report.scopes.join(", ") : "none (read-only)"}`
    case "fine-grained":
      return "fine-grained (GitHub does not show its permissions: give it read-only access only)"
    case "unknown":
      return "kind unknown (GitHub gave no answer to read it from)"
  }
}

/** `4990/5000 left until 2026-05-01 12:30 UTC`, or `unknown`. */
const rateLimitText = (rateLimit: RateLimit | null): string =>
  rateLimit === null
    ? "unknown"
    : `${rateLimit.remaining}/${rateLimit.limit} left until ${formatInstant(rateLimit.resetAt)}`

/** The report in one line, for stderr before `post` or `ensure` send anything. */
export const describeToken = (report: TokenReport, nowMs: number): string =>
  [
    `Token: ${kindText(report)}`,
    ...(report.kind === "unknown"
      ? []
      : [
          report.expiresAt === null ? "no expiry date" : `expires ${expiryText(report.expiresAt, nowMs)}`,
          `rate limit ${rateLimitText(report.rateLimit)}`
        ])
  ].join("; ")

/** The report field by field, for `miner token`. */
export const renderTokenReport = (report: TokenReport, nowMs: number): string =>
  [
    ["login", report.login ?? "(unknown: GitHub did not accept the token here)"],
    ["kind", report.kind],
    ["scopes", report.scopes === null ? "(not a classic token)" : report.scopes.join(", ") || "(none: read-only)"],
    ["writes", report.writingScopes.length > 0 ? `yes: ${report.writingScopes.join(", ")}` : "no"],
    ["expires", report.kind === "unknown" ? "(unknown)" : expiryText(report.expiresAt, nowMs)],
    ["rate limit", rateLimitText(report.rateLimit)]
  ]
    .map(([name, value]) => `${(name ?? "").padEnd(11)}${value}`)
    .join("\n")

/** The scope warning alone: `ensure --strict` refuses with it. */
export const scopeWarning = (report: TokenReport): string | null => {
  const scopes = report.writingScopes
  if (scopes.length === 0) return null
  const names = scopes.join(", ")
  const grant = scopes.length === 1 ? `scope ${names} grants` : `scopes ${names} grant`
  return `Warning: this token's ${grant} write or admin rights on your GitHub account, and every validator you post to receives the token. ${readOnlyAdvice}`
}

/** The expiry warning, when the token expires within `expiryWarningDays`. */
export const expiryWarning = (report: TokenReport, nowMs: number): string | null => {
  if (report.expiresAt === null) return null
  const left = report.expiresAt.getTime() - nowMs
  if (left >= Duration.toMillis(Duration.days(expiryWarningDays))) return null
  return `Warning: this token expires ${expiryText(report.expiresAt, nowMs)}; validators will then call it invalid. Create a new token before then and run \`pnpm miner ensure\` with it.`
}

/** Every warning the report calls for, scope first. */
export const tokenWarnings = (report: TokenReport, nowMs: number): ReadonlyArray<string> =>
  [scopeWarning(report), expiryWarning(report, nowMs)].filter((warning): warning is string => warning !== null)
