import { Schema } from "effect"
import { answerBytes } from "./fakeWire.js"

/** The two GitHub endpoints the fake answers, named by their paths. */
export const FakeEndpoint = Schema.Literal("user", "graphql")
export type FakeEndpoint = typeof FakeEndpoint.Type

const exact = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/** One scripted HTTP answer. `json` is serialised; `body` is sent verbatim and wins over it. */
export const FakeAnswer = Schema.Struct({
  status: Schema.Int.pipe(Schema.between(100, 599)),
  json: exact(Schema.Unknown),
  body: exact(Schema.String),
  headers: exact(Schema.Record({ key: Schema.String, value: Schema.String })),
  /** Delay before answering; replaces the server-wide latency for this answer. */
  latencyMs: exact(Schema.NonNegative)
})
export type FakeAnswer = typeof FakeAnswer.Type

/** An answer, or a failure to answer: accept and never respond, or reset the connection. */
export const FakeBehaviour = Schema.Union(Schema.Literal("hang", "reset"), FakeAnswer)
export type FakeBehaviour = typeof FakeBehaviour.Type

/** GitHub's rate-limit headers for a token; `reset` in epoch seconds, as GitHub sends it. */
export interface FakeRateLimit {
  readonly limit: number
  readonly remaining: number
  readonly reset: number
}

/** The GitHub account an allowed token belongs to, and what GitHub's headers say of the token. */
export interface FakeAccount {
  readonly id: number | string
  readonly login: string
  /**
   * The token's classic scopes, sent as `x-oauth-scopes` (default: none, an empty header).
   * `null` sends no such header, as GitHub does for a fine-grained token.
   */
  readonly scopes?: ReadonlyArray<string> | null
  /** Sent as `github-authentication-token-expiration`, e.g. `2026-06-01 00:00:00 UTC`. */
  readonly expiresAt?: string
  /** Sent as `x-ratelimit-*` (default: 5000, 4999 remaining, reset an hour after `allow`). */
  readonly rateLimit?: FakeRateLimit
}

/** GitHub's answer to a token it does not know. */
export const badCredentials: FakeAnswer = {
  status: 401,
  json: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" }
}

const defaultRateLimit = (): FakeRateLimit => ({
  limit: 5000,
  remaining: 4999,
  reset: Math.floor(Date.now() / 1000) + 3600
})

/** The headers GitHub sends about the token itself, on both endpoints. */
const tokenHeaders = (
  endpoint: FakeEndpoint,
  account: FakeAccount,
  rateLimit: FakeRateLimit
): Record<string, string> => ({
  ...(account.scopes === null ? {} : { "x-oauth-scopes": (account.scopes ?? []).join(", ") }),
  ...(account.expiresAt === undefined ? {} : { "github-authentication-token-expiration": account.expiresAt }),
  "x-ratelimit-limit": String(rateLimit.limit),
  "x-ratelimit-remaining": String(rateLimit.remaining),
  "x-ratelimit-reset": String(rateLimit.reset),
  "x-ratelimit-resource": endpoint === "user" ? "core" : "graphql"
})

const accountAnswer = (endpoint: FakeEndpoint, account: FakeAccount, rateLimit: FakeRateLimit): FakeAnswer => ({
  status: 200,
  headers: tokenHeaders(endpoint, account, rateLimit),
  json:
    endpoint === "user"
      ? { login: account.login, id: account.id, type: "User" }
      : { data: { viewer: { login: account.login } } }
})

const key = (token: string, endpoint: FakeEndpoint) => `${endpoint} ${token}`

/** An unscripted call's answer, ready for the socket, and the delay to apply first. */
export interface PreparedCall {
  readonly bytes: Buffer
  readonly latencyMs: number
}

const badCredentialsBytes = answerBytes(badCredentials)

/**
 * What the fake knows and has seen: allowed tokens, scripted sequences, request counts.
 * Decides the behaviour of each request; knows nothing of sockets.
 */
export class FakeScript {
  private readonly accounts = new Map<string, { readonly account: FakeAccount; readonly rateLimit: FakeRateLimit }>()
  private readonly scripts = new Map<string, { steps: ReadonlyArray<FakeBehaviour>; next: number }>()
  private readonly counts = new Map<string, number>()
  private readonly prepared = new Map<string, Buffer>()
  private latency = 0

  /** Lets `token` through on both endpoints as `account`. */
  allow(token: string, account: FakeAccount): void {
    const rateLimit = account.rateLimit ?? defaultRateLimit()
    this.accounts.set(token, { account, rateLimit })
    for (const endpoint of FakeEndpoint.literals) {
      this.prepared.set(key(token, endpoint), answerBytes(accountAnswer(endpoint, account, rateLimit)))
    }
  }

  /** Scripts `token` on `endpoint`; a sequence plays in order and its last step repeats. */
  script(token: string, endpoint: FakeEndpoint, behaviour: FakeBehaviour | ReadonlyArray<FakeBehaviour>): void {
    const steps = Array.isArray(behaviour) ? behaviour : [behaviour as FakeBehaviour]
    if (steps.length === 0) throw new Error("a script needs at least one behaviour")
    this.scripts.set(key(token, endpoint), { steps, next: 0 })
  }

  /** Delays every answer (scripted ones may set their own). */
  setLatency(ms: number): void {
    this.latency = ms
  }

  /** Requests received for `token` on `endpoint`, answered or not. */
  count(token: string, endpoint: FakeEndpoint): number {
    return this.counts.get(key(token, endpoint)) ?? 0
  }

  /** Forgets every token, script, count and latency. */
  reset(): void {
    this.accounts.clear()
    this.scripts.clear()
    this.counts.clear()
    this.prepared.clear()
    this.latency = 0
  }

  /**
   * For a call `token` has no script for on `endpoint`: counts it and returns its answer
   * as bytes. Undefined (and nothing counted) when a script decides: see `decide`.
   */
  unscripted(token: string, endpoint: FakeEndpoint): PreparedCall | undefined {
    const k = key(token, endpoint)
    if (this.scripts.has(k)) return undefined
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1)
    return { bytes: this.prepared.get(k) ?? badCredentialsBytes, latencyMs: this.latency }
  }

  /** Counts the request and says how to treat it, with the delay to apply first. */
  decide(token: string, endpoint: FakeEndpoint): { readonly behaviour: FakeBehaviour; readonly latencyMs: number } {
    const k = key(token, endpoint)
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1)
    const behaviour = this.nextStep(k) ?? this.defaultAnswer(token, endpoint)
    const latencyMs = typeof behaviour === "string" ? this.latency : (behaviour.latencyMs ?? this.latency)
    return { behaviour, latencyMs }
  }

  private nextStep(k: string): FakeBehaviour | undefined {
    const script = this.scripts.get(k)
    if (script === undefined) return undefined
    const step = script.steps[Math.min(script.next, script.steps.length - 1)]
    script.next += 1
    return step
  }

  private defaultAnswer(token: string, endpoint: FakeEndpoint): FakeAnswer {
    const allowed = this.accounts.get(token)
    return allowed === undefined ? badCredentials : accountAnswer(endpoint, allowed.account, allowed.rateLimit)
  }
}
