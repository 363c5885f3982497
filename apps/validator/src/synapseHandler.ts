import type { IncomingMessage } from "node:http"
import { HttpServerRequest, type HttpServerResponse } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { emptyTerminal, type NonceWindow, type SynapseName } from "@gittensor-pat/axon"
import {
  type BroadcastOutcome,
  broadcastFields,
  broadcastPat,
  type CheckOutcome,
  checkFields,
  checkPat,
  type Deadline,
  type GitHub,
  maskPat,
  Metagraph,
  type PatStore
} from "@gittensor-pat/core"
import { Clock, Effect, Either } from "effect"
import { Admission } from "./Admission.js"
import type { Arrival } from "./arrivals.js"
import { budgetMillis, sentAtMillis } from "./budget.js"
import { type Caller, type CheckedRequest, checkRequest } from "./checks.js"
import { Drain } from "./Drain.js"
import { Metrics, type RequestOutcome } from "./Metrics.js"
import { currentTimings, type GitHubTimings } from "./ObservedGitHub.js"
import type { RateLimiter } from "./RateLimiter.js"
import { type Refusal, Refusals } from "./refusals.js"
import { logRequest } from "./requestLog.js"
import { type AxonSelf, axonTerminal, errorResponse, jsonResponse } from "./wire.js"

/** What the synapse handler needs besides its services. */
export interface SynapseHandlerOptions {
  readonly self: AxonSelf
  readonly rateLimit: number
  /** When the request arrived, if the server stamped it (see `stampArrivals`). */
  readonly arrivalOf?: (request: IncomingMessage) => Arrival | undefined
}

/** Every service a synapse request runs on. */
export type SynapseServices = Metagraph | NonceWindow | RateLimiter | Admission | Metrics | Drain | GitHub | PatStore

interface Answered {
  readonly outcome: RequestOutcome
  readonly fields: { readonly rejection_reason: string | null }
  readonly checked: CheckedRequest
}

// Mapped over every tag, so a new outcome cannot compile without a category.
const checkCategories: { readonly [K in CheckOutcome["_tag"]]: RequestOutcome } = {
  Valid: "valid",
  NoPat: "no_pat",
  Invalid: "invalid_pat",
  Inconclusive: "inconclusive",
  StoreUnavailable: "store_unavailable"
}

// nginx's status for a request whose client went away before the answer; never sent.
const CLIENT_CLOSED = 499

const broadcastCategory = (outcome: BroadcastOutcome): RequestOutcome =>
  outcome._tag === "Accepted" ? "accepted" : outcome.transient ? "rejected_transient" : "rejected"

const pipeline = (checked: CheckedRequest, deadline: Deadline.Deadline): Effect.Effect<Answered, never, GitHub | PatStore | Metagraph> =>
  checked.name === "PatCheckSynapse"
    ? Effect.map(checkPat(checked.hotkey, deadline), (o) => ({ outcome: checkCategories[o._tag], fields: checkFields(o), checked }))
    : Effect.map(broadcastPat(checked.hotkey, checked.synapse.github_access_token, deadline), (o) => ({
        outcome: broadcastCategory(o),
        fields: broadcastFields(o),
        checked
      }))

const admitted = (checked: CheckedRequest, arrivedAt: number) =>
  Effect.gen(function* () {
    const stake = yield* Effect.flatMap(Metagraph, (m) => m.stakeOf(checked.uid))
    const sentAt = sentAtMillis(arrivedAt, checked.headers.dendrite.nonce)
    const deadline = (sentAt + budgetMillis(checked.timeout)) as Deadline.Deadline
    const admission = yield* Admission
    return yield* admission.run(stake, deadline, pipeline(checked, deadline)).pipe(
      Effect.catchTag("AdmissionShedError", () =>
        Effect.zipRight(Effect.flatMap(Metrics, (m) => m.shed), Effect.fail(Refusals.shed))
      )
    )
  })

const defined = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined))

// As a Python axon builds its synapse from the headers, the caller's terminal and body hash
// are the ones its headers state. JSON cannot hold a nanosecond nonce exactly; the header
// keeps the exact one.
const fromHeaders = ({ headers, synapse }: CheckedRequest) => ({
  dendrite: {
    ...synapse.dendrite,
    ...defined({ ...headers.dendrite, nonce: headers.dendrite.nonce === undefined ? undefined : Number(headers.dendrite.nonce) })
  },
  computed_body_hash: headers.computedBodyHash ?? synapse.computed_body_hash
})

// The whole synapse goes back, response fields set and the token field emptied.
const synapseJson = (answered: Answered, axon: object): object =>
  answered.checked.name === "PatBroadcastSynapse"
    ? { ...answered.checked.synapse, ...fromHeaders(answered.checked), axon, ...answered.fields, github_access_token: "" }
    : { ...answered.checked.synapse, ...fromHeaders(answered.checked), axon, ...answered.fields }

/**
 * Serves one synapse route: the checks of CONTRACT §6, admission by stake, the pipeline
 * under the request's deadline, the answer, one log line and the metrics. Never fails:
 * every refusal becomes its JSON answer.
 */
export const synapseHandler = (
  name: SynapseName,
  options: SynapseHandlerOptions
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest | SynapseServices> =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const arrival = options.arrivalOf?.(NodeHttpServerRequest.toIncomingMessage(request))
    const started = arrival?.monotonicMs ?? performance.now()
    const startedAt = arrival?.epochMs ?? (yield* Clock.currentTimeMillis)
    const drain = yield* Drain
    const metrics = yield* Metrics
    const caller: Caller = {}
    const timings: GitHubTimings = {}
    const result = yield* Effect.either(
      drain.isDraining()
        ? Effect.fail<Refusal>(Refusals.shuttingDown)
        : Effect.flatMap(checkRequest(name, request, { axonHotkey: options.self.hotkey, rateLimit: options.rateLimit }, caller), (checked) =>
            admitted(checked, startedAt)
          )
    ).pipe(
      Effect.locally(currentTimings, timings),
      // The server interrupts a request whose caller hung up; it still gets its line and count.
      Effect.onInterrupt(() => {
        const seconds = (performance.now() - started) / 1_000
        return Effect.zipRight(
          metrics.request(name, "client_closed", seconds),
          logRequest({
            synapse: name,
            status: CLIENT_CLOSED,
            outcome: "client_closed",
            uid: caller.uid,
            hotkey: caller.hotkey,
            pat: undefined,
            reason: "the caller closed the connection before the answer",
            githubMs: timings,
            totalMs: seconds * 1_000
          })
        )
      })
    )
    const seconds = (performance.now() - started) / 1_000
    const close = drain.isDraining()
    const { response, outcome, status, reason, pat } = Either.match(result, {
      onLeft: (refusal) => ({
        response: errorResponse(options.self, refusal.status, refusal.message, seconds, close),
        outcome: `http_${refusal.status}` as const,
        status: refusal.status,
        reason: refusal.message,
        pat: undefined
      }),
      onRight: (answered) => ({
        response: jsonResponse(
          200,
          synapseJson(answered, { ...emptyTerminal, ...axonTerminal(options.self, 200, "Success", seconds) }),
          axonTerminal(options.self, 200, "Success", seconds),
          close
        ),
        outcome: answered.outcome,
        status: 200,
        reason: answered.fields.rejection_reason,
        pat: answered.checked.name === "PatBroadcastSynapse" ? maskPat(answered.checked.synapse.github_access_token) : undefined
      })
    })
    if (status === 429) yield* metrics.rateLimited
    yield* metrics.request(name, outcome, seconds)
    yield* logRequest({
      synapse: name,
      status,
      outcome,
      uid: caller.uid,
      hotkey: caller.hotkey,
      pat,
      reason,
      githubMs: timings,
      totalMs: seconds * 1_000
    })
    return response
  }).pipe((self) => Effect.flatMap(Drain, (drain) => drain.request(self)))
