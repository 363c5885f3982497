import type { IncomingMessage, Server, ServerResponse } from "node:http"
import { responseHeaders, type SynapseName } from "@gittensor-pat/axon"
import { type Hotkey, Metagraph, type Uid } from "@gittensor-pat/core"
import { Effect, Exit, Option, Runtime, type Scope } from "effect"
import { Admission } from "./Admission.js"
import { budgetMillis, sentAtMillis } from "./budget.js"
import { Drain } from "./Drain.js"
import { LoadMeter, SHED_WEIGHT } from "./LoadMeter.js"
import { Metrics } from "./Metrics.js"
import { dropUnreadBody, LEFTOVER_BODY_MS } from "./readBody.js"
import { Refusals } from "./refusals.js"
import { logRequest } from "./requestLog.js"
import { MAX_HOLD_SHARE, ShedPacer } from "./shedPacer.js"
import { expectedMs, mustShed, StakeRanks } from "./shedPolicy.js"
import { type AxonSelf, axonTerminal, synapseOf } from "./wire.js"

type Listener = (request: IncomingMessage, response: ServerResponse) => void

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name]
  return typeof value === "string" ? value : undefined
}

// Unreadable values are left to the request checks, which refuse them with their own status.
const timeoutOf = (request: IncomingMessage): number | undefined => {
  const value = Number(header(request, "timeout"))
  return Number.isFinite(value) ? value : undefined
}

const nonceOf = (request: IncomingMessage): bigint | undefined => {
  const value = header(request, "bt_header_dendrite_nonce")
  return value !== undefined && /^\d{1,30}$/.test(value) ? BigInt(value) : undefined
}

const shedBody = JSON.stringify({ message: Refusals.shed.message })

/**
 * The front door: decides, as Node hands over a request's headers and before its body is
 * read or its signature checked, whether it can still be answered before its deadline.
 * A CPU-bound validator otherwise lets requests wait in its event loop for their whole
 * budget before admission sees them, and then answers them after the caller has gone.
 * Refused requests get the 503 admission gives (CONTRACT §6), written straight to the
 * socket: a fraction of a served request's cost, and at once unless refusals flood the
 * event loop (see `ShedPacer`), never later than half the caller's remaining time. When the
 * server is not overloaded every request passes, so the order of the other checks is
 * unchanged. Only requests counted as load (see `LoadMeter`) weigh in the decision.
 *
 * Installed in front of the listeners the server already has; removed with the scope.
 */
export const guard = (
  server: Server,
  options: { readonly self: AxonSelf }
): Effect.Effect<void, never, Scope.Scope | Admission | LoadMeter | Drain | Metagraph | Metrics> =>
  Effect.gen(function* () {
    const admission = yield* Admission
    const meter = yield* LoadMeter
    const drain = yield* Drain
    const metrics = yield* Metrics
    const metagraph = yield* Metagraph
    const runtime = yield* Effect.runtime<never>()
    const runSync = Runtime.runSync(runtime)
    const runSyncExit = Runtime.runSyncExit(runtime)
    const ranks = new StakeRanks()
    const inner = server.listeners("request") as Array<Listener>

    // A registered caller's uid and stake; none for a hotkey the request checks will refuse,
    // and none if a metagraph could not answer synchronously (the request then simply passes).
    const callerOf = (hotkey: string | undefined): Option.Option<{ readonly uid: Uid; readonly stake: number }> =>
      hotkey === undefined
        ? Option.none()
        : Exit.getOrElse(
            runSyncExit(
              Effect.flatMap(metagraph.uidOf(hotkey as Hotkey), (uid) =>
                Option.isNone(uid)
                  ? Effect.succeedNone
                  : Effect.map(metagraph.stakeOf(uid.value), (stake) => Option.some({ uid: uid.value, stake }))
              )
            ),
            () => Option.none()
          )

    const write503 = (response: ServerResponse, startedMs: number) => {
      if (response.destroyed) return
      const message = Refusals.shed.message
      response.writeHead(503, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(shedBody),
        ...responseHeaders(axonTerminal(options.self, 503, message, (performance.now() - startedMs) / 1_000))
      })
      response.end(shedBody)
    }

    const pacer = new ShedPacer(() => meter.costMs() * SHED_WEIGHT)
    // Each refusal gets its request line like any other answer; through the batched request
    // log a line costs a few µs, not the logger's ~250 µs.
    const shed = (name: SynapseName, request: IncomingMessage, response: ServerResponse, caller: { readonly uid: Uid }, startedMs: number, remainingMs: number) => {
      pacer.submit({ write: () => write503(response, startedMs), latestMs: Date.now() + Math.max(0, remainingMs) * MAX_HOLD_SHARE })
      response.once("finish", () => dropUnreadBody(request, Date.now() + LEFTOVER_BODY_MS))
      meter.shed()
      const seconds = (performance.now() - startedMs) / 1_000
      runSync(
        Effect.zipRight(
          Effect.zipRight(metrics.shed, metrics.request(name, "http_503", seconds)),
          logRequest({
            synapse: name,
            status: 503,
            outcome: "http_503",
            uid: caller.uid,
            hotkey: header(request, "bt_header_dendrite_hotkey"),
            pat: undefined,
            reason: Refusals.shed.message,
            githubMs: {},
            totalMs: seconds * 1_000
          })
        )
      )
    }

    const pass: Listener = (request, response) => {
      for (const listener of inner) listener.call(server, request, response)
    }

    const door: Listener = (request, response) => {
      const name = synapseOf(request)
      if (name === undefined || drain.isDraining()) return pass(request, response)
      const startedMs = performance.now()
      const now = Date.now()
      const known = callerOf(header(request, "bt_header_dendrite_hotkey"))
      if (Option.isSome(known)) {
        const stake = known.value.stake
        const rank = ranks.rank(stake)
        ranks.add(stake)
        const pressure = admission.pressure(stake)
        const expected = expectedMs({
          queued: Math.max(0, meter.open() - pressure.running),
          running: pressure.running,
          costMs: meter.costMs(),
          slotWaitMs: pressure.waitMs
        })
        const deadline = sentAtMillis(now, nonceOf(request)) + budgetMillis(timeoutOf(request))
        if (mustShed(expected, deadline - now, rank)) return shed(name, request, response, known.value, startedMs, deadline - now)
      }
      response.once("close", meter.answered)
      pass(request, response)
    }

    yield* Effect.acquireRelease(
      Effect.sync(() => {
        server.removeAllListeners("request")
        server.on("request", door)
      }),
      () =>
        Effect.sync(() => {
          pacer.flush()
          server.off("request", door)
          for (const listener of inner) server.on("request", listener)
        })
    )
  })
