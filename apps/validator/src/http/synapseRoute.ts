import type { IncomingMessage, ServerResponse } from "node:http"
import { broadcastFields, checkFields, emptyTerminal, NonceWindow, type SynapseName } from "@gittensor-pat/axon"
import {
  type BroadcastOutcome,
  broadcastPat,
  type CheckOutcome,
  checkPat,
  Deadline,
  GitHub,
  maskPat,
  Metagraph,
  type PatStore
} from "@gittensor-pat/core"
import { Cause, Effect, Exit, FiberId, Option, Runtime } from "effect"
import { Drain } from "../ops/Drain.js"
import { Metrics, type RequestOutcome } from "../ops/Metrics.js"
import { ObservedGitHub } from "../ops/ObservedGitHub.js"
import { logRequest } from "../ops/RequestLog.js"
import { Overload } from "../overload/Overload.js"
import { type AnswerHead, type AxonSelf, writeAnswer, writeRefusal } from "./answer.js"
import { type Arrival, arrive } from "./arrival.js"
import { RateLimiter } from "./RateLimiter.js"
import { type Refusal, Refusals } from "./refusals.js"
import { type CheckedRequest, type CheckServices, checkRequest } from "./requestChecks.js"
import { makeVerifier } from "./verifier.js"

/** What the synapse route needs besides its services. */
export interface SynapseRouteOptions {
  readonly self: AxonSelf
  readonly rateLimit: number
}

/** Every service a synapse request runs on. */
export type SynapseServices =
  | Metagraph
  | NonceWindow
  | RateLimiter
  | Overload
  | Metrics
  | Drain
  | ObservedGitHub
  | PatStore

/** A pipeline's result, as it is answered and counted. */
interface Served {
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

const broadcastCategory = (outcome: BroadcastOutcome): RequestOutcome =>
  outcome._tag === "Accepted" ? "accepted" : outcome.transient ? "rejected_transient" : "rejected"

const pipeline = (checked: CheckedRequest, deadline: number): Effect.Effect<Served, never, GitHub | PatStore | Metagraph> =>
  checked.name === "PatCheckSynapse"
    ? Effect.map(checkPat(checked.caller.hotkey, Deadline.at(deadline)), (o) => ({
        outcome: checkCategories[o._tag],
        fields: checkFields(o),
        checked
      }))
    : Effect.map(broadcastPat(checked.caller.hotkey, checked.synapse.github_access_token, Deadline.at(deadline)), (o) => ({
        outcome: broadcastCategory(o),
        fields: broadcastFields(o),
        checked
      }))

// As a Python axon builds its synapse from the headers, the caller's terminal and body hash
// are the ones its headers state; the nonce stays a bigint, written digit for digit.
const fromHeaders = ({ headers, synapse }: CheckedRequest) => {
  const dendrite: Record<string, unknown> = { ...synapse.dendrite }
  for (const [key, value] of Object.entries(headers.dendrite)) {
    if (value !== undefined) dendrite[key] = value
  }
  return { dendrite, computed_body_hash: headers.computedBodyHash ?? synapse.computed_body_hash }
}

// The whole synapse goes back, response fields set and the token field emptied.
const synapseJson = (served: Served, axon: object): object =>
  served.checked.name === "PatBroadcastSynapse"
    ? { ...served.checked.synapse, ...fromHeaders(served.checked), axon, ...served.fields, github_access_token: "" }
    : { ...served.checked.synapse, ...fromHeaders(served.checked), axon, ...served.fields }

const SUCCESS: AnswerHead = { status: 200, message: "Success" }

// nginx's status for a request whose client went away before the answer; never sent.
const CLIENT_CLOSED = 499

/** How a request ended, for its answer, its log line and its counts. */
interface Ending {
  readonly status: number
  readonly outcome: RequestOutcome
  readonly reason: string | null
  readonly pat: string | undefined
  readonly write: (close: boolean) => void
}

/** Answers one synapse request on Node's response; `arrivedAt` (epoch ms) and `startedMs` are read in Node's request event. */
export type SynapseRoute = (
  name: SynapseName,
  request: IncomingMessage,
  response: ServerResponse,
  arrivedAt: number,
  startedMs: number
) => void

/**
 * The synapse routes: each request read once on arrival (`Arrival`), past the front door,
 * the checks of docs/protocol.md, "Order of checks", admission by stake, the pipeline under the request's deadline,
 * then its answer, one log line and the metrics, in one fiber per request. Every refusal
 * becomes its JSON answer. Services are resolved once here, not per request.
 */
export const makeSynapseRoute = (options: SynapseRouteOptions): Effect.Effect<SynapseRoute, never, SynapseServices> =>
  Effect.gen(function* () {
    const runFork = Runtime.runFork(yield* Effect.runtime<SynapseServices>())
    const metagraph = yield* Metagraph
    const overload = yield* Overload
    const metrics = yield* Metrics
    const drain = yield* Drain
    const github = yield* ObservedGitHub
    const checks: CheckServices = {
      axonHotkey: options.self.hotkey,
      rateLimit: options.rateLimit,
      nonces: yield* NonceWindow,
      limiter: yield* RateLimiter,
      verify: yield* makeVerifier
    }

    const serve = (arrival: Arrival, request: IncomingMessage, response: ServerResponse) => {
      const observed = github.forRequest()
      const finish = (ending: Ending) => {
        const seconds = (performance.now() - arrival.startedMs) / 1_000
        // A body whose time ran out is answered and its connection closed: nothing more is waited for on it.
        ending.write(ending.status === Refusals.bodyTimeout.status || drain.isDraining())
        const caller = Option.getOrUndefined(arrival.caller)
        return Effect.zipRight(
          ending.status === 429 ? Effect.zipRight(metrics.rateLimited, metrics.request(arrival.synapse, ending.outcome, seconds)) : metrics.request(arrival.synapse, ending.outcome, seconds),
          logRequest({
            synapse: arrival.synapse,
            status: ending.status,
            outcome: ending.outcome,
            reason: ending.reason,
            pat: ending.pat,
            uid: caller?.uid,
            hotkey: arrival.hotkey,
            githubMs: observed.timings,
            totalMs: seconds * 1_000
          })
        )
      }
      const refused = (refusal: Refusal): Ending => ({
        status: refusal.status,
        outcome: `http_${refusal.status}`,
        reason: refusal.message,
        pat: undefined,
        write: (close) => writeRefusal(response, options.self, refusal, arrival.startedMs, close)
      })
      const served = (done: Served): Ending => ({
        status: 200,
        outcome: done.outcome,
        reason: done.fields.rejection_reason,
        pat: done.checked.name === "PatBroadcastSynapse" ? maskPat(done.checked.synapse.github_access_token) : undefined,
        write: (close) =>
          writeAnswer(response, options.self, SUCCESS, (axon) => synapseJson(done, { ...emptyTerminal, ...axon }), arrival.startedMs, close)
      })
      // The pipeline calls GitHub through this request's view of it, which times each call for its line.
      const admitted = (checked: CheckedRequest) =>
        overload.run(checked.caller.stake, arrival.deadline, (deadline) => Effect.provideService(pipeline(checked, deadline), GitHub, observed.github)).pipe(
          Effect.catchTag("OverloadShedError", () => Effect.zipRight(metrics.shed, Effect.fail(Refusals.shed)))
        )
      const checked = drain.isDraining() ? Effect.fail(Refusals.shuttingDown) : checkRequest(arrival, request, checks)
      return Effect.matchEffect(checked, {
        onFailure: (refusal) => finish(refused(refusal)),
        // Load from here to the answer: its body is in and its caller verified.
        onSuccess: (checked) =>
          overload.load(
            Effect.matchEffect(admitted(checked), {
              onFailure: (refusal) => finish(refused(refusal)),
              onSuccess: (done) => finish(served(done))
            })
          )
      }).pipe(
        // The caller hung up: nothing to answer, but the request still gets its line and count.
        Effect.onInterrupt(() =>
          finish({
            status: CLIENT_CLOSED,
            outcome: "client_closed",
            reason: "the caller closed the connection before the answer",
            pat: undefined,
            write: () => {}
          })
        )
      )
    }

    // A refusal decided at the front door: written when the pace allows (see `Overload.refuse`),
    // its line and counts at once.
    const shedAtDoor = (arrival: Arrival, response: ServerResponse) => {
      overload.refuse(arrival.deadline, () => writeRefusal(response, options.self, Refusals.shed, arrival.startedMs, false))
      const seconds = (performance.now() - arrival.startedMs) / 1_000
      return Effect.zipRight(
        Effect.zipRight(metrics.shed, metrics.request(arrival.synapse, "http_503", seconds)),
        logRequest({
          synapse: arrival.synapse,
          status: 503,
          outcome: "http_503",
          reason: Refusals.shed.message,
          pat: undefined,
          uid: Option.getOrUndefined(arrival.caller)?.uid,
          hotkey: arrival.hotkey,
          githubMs: {},
          totalMs: seconds * 1_000
        })
      )
    }

    const handle = (name: SynapseName, request: IncomingMessage, response: ServerResponse, arrivedAt: number, startedMs: number) =>
      Effect.flatMap(arrive(name, request, metagraph, arrivedAt, startedMs), (arrival) => {
        if (!drain.isDraining() && Option.isSome(arrival.caller) && overload.arrive({ stake: arrival.caller.value.stake, deadline: arrival.deadline }) === "shed") {
          return shedAtDoor(arrival, response)
        }
        response.once("close", overload.answered)
        return serve(arrival, request, response)
      })

    return (name, request, response, arrivedAt, startedMs) => {
      const ended = drain.requestStarted()
      const fiber = runFork(handle(name, request, response, arrivedAt, startedMs))
      fiber.addObserver((exit) => {
        ended()
        if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) {
          writeRefusal(response, options.self, Refusals.internal, startedMs, false)
        }
      })
      response.on("close", () => {
        if (!response.writableEnded) fiber.unsafeInterruptAsFork(FiberId.none)
      })
    }
  })
