import type { IncomingMessage, ServerResponse } from "node:http"
import {
  broadcastFields,
  checkFields,
  emptyTerminal,
  NonceWindow,
  Sr25519Verifier,
  type SignedRequest,
  type SynapseName,
  verifyRequest
} from "@gittensor-pat/axon"
import {
  type BroadcastOutcome,
  broadcastPat,
  type CheckOutcome,
  checkPat,
  type Deadline,
  type GitHub,
  maskPat,
  Metagraph,
  type PatStore
} from "@gittensor-pat/core"
import { Cause, Effect, Exit, FiberId, Option, Runtime } from "effect"
import { Admission } from "./Admission.js"
import { type Caller, type CheckedRequest, type CheckServices, checkRequest } from "./checks.js"
import { Drain } from "./Drain.js"
import { LoadMeter } from "./LoadMeter.js"
import { Metrics, type RequestOutcome } from "./Metrics.js"
import { currentTimings, type GitHubTimings } from "./ObservedGitHub.js"
import { RateLimiter } from "./RateLimiter.js"
import { type Refusal, Refusals } from "./refusals.js"
import { logRequest, type RequestLogEntry } from "./requestLog.js"
import { type AxonSelf, axonTerminal, writeJson } from "./wire.js"

/** What the synapse listener needs besides its services. */
export interface SynapseHandlerOptions {
  readonly self: AxonSelf
  readonly rateLimit: number
}

/** Every service a synapse request runs on. */
export type SynapseServices = Metagraph | NonceWindow | RateLimiter | Admission | LoadMeter | Metrics | Drain | GitHub | PatStore

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

const admitted = (checked: CheckedRequest) =>
  Effect.gen(function* () {
    const stake = yield* Effect.flatMap(Metagraph, (m) => m.stakeOf(checked.uid))
    const admission = yield* Admission
    return yield* admission.run(stake, checked.deadline, (runUnder) => pipeline(checked, runUnder as Deadline.Deadline)).pipe(
      Effect.catchTag("AdmissionShedError", () =>
        Effect.zipRight(Effect.flatMap(Metrics, (m) => m.shed), Effect.fail(Refusals.shed))
      )
    )
  })

// As a Python axon builds its synapse from the headers, the caller's terminal and body hash
// are the ones its headers state; the nonce stays a bigint, written digit for digit. A loop
// rather than entries/filter/fromEntries: it runs per answer.
const fromHeaders = ({ headers, synapse }: CheckedRequest) => {
  const dendrite: Record<string, unknown> = { ...synapse.dendrite }
  for (const [key, value] of Object.entries(headers.dendrite)) {
    if (value !== undefined) dendrite[key] = value
  }
  return { dendrite, computed_body_hash: headers.computedBodyHash ?? synapse.computed_body_hash }
}

// The whole synapse goes back, response fields set and the token field emptied.
const synapseJson = (answered: Answered, axon: object): object =>
  answered.checked.name === "PatBroadcastSynapse"
    ? { ...answered.checked.synapse, ...fromHeaders(answered.checked), axon, ...answered.fields, github_access_token: "" }
    : { ...answered.checked.synapse, ...fromHeaders(answered.checked), axon, ...answered.fields }

/** Answers one synapse request on Node's response (see `makeSynapseListener`). */
export type SynapseListener = (name: SynapseName, request: IncomingMessage, response: ServerResponse) => void

// What every request of one server runs on, resolved when the server starts.
interface Server {
  readonly options: SynapseHandlerOptions
  readonly checks: CheckServices
  readonly metrics: Metrics["Type"]
  readonly drain: Drain["Type"]
  readonly meter: LoadMeter["Type"]
}

type Answer = Pick<RequestLogEntry, "status" | "outcome" | "reason" | "pat"> & {
  readonly write: (processTimeSeconds: number, close: boolean) => void
}

const refused = (server: Server, response: ServerResponse, refusal: Refusal): Answer => ({
  status: refusal.status,
  outcome: `http_${refusal.status}`,
  reason: refusal.message,
  pat: undefined,
  write: (seconds, close) =>
    writeJson(response, refusal.status, { message: refusal.message }, axonTerminal(server.options.self, refusal.status, refusal.message, seconds), close)
})

const served = (server: Server, response: ServerResponse, answered: Answered): Answer => ({
  status: 200,
  outcome: answered.outcome,
  reason: answered.fields.rejection_reason,
  pat: answered.checked.name === "PatBroadcastSynapse" ? maskPat(answered.checked.synapse.github_access_token) : undefined,
  write: (seconds, close) => {
    const axon = axonTerminal(server.options.self, 200, "Success", seconds)
    writeJson(response, 200, synapseJson(answered, { ...emptyTerminal, ...axon }), axon, close)
  }
})

// The checks of CONTRACT §6, admission, the pipeline, then the answer, its line and its counts.
const serveRequest = (server: Server, name: SynapseName, request: IncomingMessage, response: ServerResponse) => {
  // Read in Node's request event (the front door just passed it on), before the fiber runs:
  // the caller's timeout runs from when it sent the request, not from when the fiber starts.
  const started = performance.now()
  const startedAt = Date.now()
  const caller: Caller = {}
  const timings: GitHubTimings = {}
  const finish = (answer: Answer) => {
    const seconds = (performance.now() - started) / 1_000
    // A body whose time ran out is answered and its connection closed: nothing more is waited for on it.
    if (answer.outcome !== "client_closed") answer.write(seconds, answer.status === Refusals.bodyTimeout.status || server.drain.isDraining())
    const line = { synapse: name, ...answer, uid: caller.uid, hotkey: caller.hotkey, githubMs: timings, totalMs: seconds * 1_000 }
    return Effect.zipRight(
      answer.status === 429 ? Effect.zipRight(server.metrics.rateLimited, server.metrics.request(name, answer.outcome, seconds)) : server.metrics.request(name, answer.outcome, seconds),
      logRequest(line)
    )
  }
  const refuse = (refusal: Refusal) => finish(refused(server, response, refusal))
  const serve = (checked: CheckedRequest) =>
    Effect.matchEffect(admitted(checked), { onFailure: refuse, onSuccess: (answered) => finish(served(server, response, answered)) })
  const checked = server.drain.isDraining()
    ? Effect.fail<Refusal>(Refusals.shuttingDown)
    : checkRequest(name, request, server.checks, caller, startedAt)
  const outcome = Effect.matchEffect(checked, {
    onFailure: refuse,
    // Load from here to the answer: its body is in and its caller verified.
    onSuccess: (valid) => server.meter.load(serve(valid))
  })
  return outcome.pipe(
    Effect.locally(currentTimings, timings),
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

// How long a request waits for the verifier pool before checking the signature itself. A
// healthy pool answers in well under a millisecond; a thread that is alive but stuck would
// otherwise hold its requests until their callers gave up.
const VERIFY_PATIENCE = "1 second"

// Off the main thread when the server has a verifier pool; on it when the pool cannot answer
// (full, restarting a thread, closed, or not in time): the caller's signature is checked either way.
// Each fallback is counted, so an operator sees threads that stopped helping.
const verifier = (pool: Option.Option<Sr25519Verifier["Type"]>, metrics: Metrics["Type"]) => (request: SignedRequest) => {
  const here = Effect.sync(() => verifyRequest(request))
  const instead = (reason: string) => Effect.zipRight(metrics.verifiedOnMainThread(reason), here)
  return Option.isNone(pool)
    ? here
    : pool.value.verify(request).pipe(
        Effect.timeoutOption(VERIFY_PATIENCE),
        Effect.flatMap(Option.match({ onNone: () => instead("timeout"), onSome: Effect.succeed })),
        Effect.catchTag("VerifierError", (error) => instead(error.reason))
      )
}

/**
 * The synapse routes as a plain Node listener: the checks of CONTRACT §6, admission by
 * stake, the pipeline under the request's deadline, the answer, one log line and the
 * metrics, in one fiber per request. Every refusal becomes its JSON answer. Services are
 * resolved once here, not per request; signatures are verified on the `Sr25519Verifier`'s
 * threads when one is provided.
 */
export const makeSynapseListener = (
  options: SynapseHandlerOptions
): Effect.Effect<SynapseListener, never, SynapseServices> =>
  Effect.gen(function* () {
    const runFork = Runtime.runFork(yield* Effect.runtime<SynapseServices>())
    const server: Server = {
      options,
      checks: {
        axonHotkey: options.self.hotkey,
        rateLimit: options.rateLimit,
        metagraph: yield* Metagraph,
        nonces: yield* NonceWindow,
        limiter: yield* RateLimiter,
        verify: verifier(yield* Effect.serviceOption(Sr25519Verifier), yield* Metrics)
      },
      metrics: yield* Metrics,
      drain: yield* Drain,
      meter: yield* LoadMeter
    }
    return (name, request, response) => {
      const ended = server.drain.requestStarted()
      const fiber = runFork(serveRequest(server, name, request, response))
      fiber.addObserver((exit) => {
        ended()
        // A defect is a bug, but the caller still gets JSON rather than a hang.
        if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) && !response.headersSent) {
          const message = "Internal error"
          writeJson(response, 500, { message }, axonTerminal(options.self, 500, message, 0), false)
        }
      })
      response.on("close", () => {
        if (!response.writableEnded) fiber.unsafeInterruptAsFork(FiberId.none)
      })
    }
  })
