import { randomUUID } from "node:crypto"
import { broadcastCategory, checkCategory } from "@gittensor-pat/miner/categories"
import { Effect, Option } from "effect"
import { type Ending, makeConnection } from "./connection.js"
import { makePresigner, type SigningStats } from "./presign.js"
import type { RequestInput, Target } from "./requestText.js"
import type { SignerPool } from "./signerPool.js"
import type { LoadGroup, LoadRecord } from "./spec.js"

/** What a group's callers share: the signing threads and the validator they call. */
export interface LoadContext {
  readonly pool: SignerPool
  readonly target: Target
}

/** One group's records, elapsed milliseconds, and how its requests were signed. */
export interface GroupRun {
  readonly records: ReadonlyArray<LoadRecord>
  readonly elapsedMs: number
  readonly signing: SigningStats
}

const parsed = (body: string): Option.Option<Record<string, unknown>> => {
  try {
    const value: unknown = JSON.parse(body)
    return typeof value === "object" && value !== null ? Option.some(value as Record<string, unknown>) : Option.none()
  } catch {
    return Option.none()
  }
}

/** The category of a 200, `status:<code>`, `timeout`, `failed:<errno>` or `bad-answer`. */
const outcomeOf = (synapse: LoadGroup["synapse"], ending: Ending): string => {
  switch (ending.kind) {
    case "timeout":
      return "timeout"
    case "failed":
      return `failed:${ending.code}`
    case "answer":
      if (ending.status !== 200) return `status:${ending.status}`
      return Option.match(parsed(ending.body), {
        onNone: () => "bad-answer",
        onSome: (json) =>
          synapse === "PatCheckSynapse" ? checkCategory(Option.some(json)) : broadcastCategory(Option.some(json))
      })
  }
}

// The group's callers see much the same round trips (one closed loop), so one running
// estimate serves them all: its mean and mean deviation, updated on every answer.
const smoothing = 0.05

/**
 * When a caller's next request should be ready, counted from its send: a round trip's
 * running mean plus twice its mean deviation. A signature ready too late costs the caller a
 * wait (its clock has not started); one ready too early may be too old when wanted and be
 * made again, which costs CPU the validator would have had: so err late.
 */
const expectation = () => {
  let mean = 0
  let deviation = 0
  return {
    ms: () => mean + 2 * deviation,
    observe: (ms: number) => {
      if (mean === 0) mean = ms
      deviation += (Math.abs(ms - mean) - deviation) * smoothing
      mean += (ms - mean) * smoothing
    }
  }
}

/**
 * Runs one group's closed-loop callers: each sends, waits for the ending, records it and
 * sends again (no sooner than `intervalMs` after its previous send), until the group's
 * request count or duration is spent (or, with `stopOnFailure`, until the validator stops
 * answering). Each caller has its own keep-alive connection, and its next request is
 * signed on the signing threads while the current one is out.
 */
export const runGroup = (index: number, group: LoadGroup, context: LoadContext): Effect.Effect<GroupRun> =>
  Effect.zipRight(
    Effect.sleep(group.startAfterMs),
    Effect.async<GroupRun>((resume) => {
      const records: Array<LoadRecord> = []
      const signing: SigningStats = { waited: 0, resigned: 0, ages: [] }
      const started = performance.now()
      const endsAt = started + group.durationMs
      const timeoutMs = group.timeoutSeconds * 1000
      const roundTrip = expectation()
      let issued = 0
      let running = group.concurrency
      const ended = () => {
        running -= 1
        if (running === 0) resume(Effect.succeed({ records, elapsedMs: performance.now() - started, signing }))
      }
      if (running === 0) return resume(Effect.succeed({ records, elapsedMs: 0, signing }))
      const callers = Array.from({ length: group.concurrency }, (_, w) => {
        const miner = group.miners[w % group.miners.length] ?? 0
        const connection = makeConnection(context.target)
        const presigner = makePresigner(context.pool, signing)
        // A caller is one dendrite process: one uuid, nonces increasing request after request.
        const uuid = randomUUID()
        const input = (sent: number): RequestInput => ({
          synapse: group.synapse,
          timeoutSeconds: group.timeoutSeconds,
          miner,
          variant: sent % group.tokenVariants,
          uuid
        })
        let sent = 0
        let sentAt = 0
        let pause: NodeJS.Timeout | undefined
        const stop = () => {
          presigner.cancel()
          connection.close()
          ended()
        }
        const next = () => {
          if (issued >= group.maxRequests || performance.now() >= endsAt) return stop()
          issued += 1
          const variant = sent % group.tokenVariants
          presigner.take((signed) => {
            sent += 1
            const expectedMs = Math.max(roundTrip.ms(), group.intervalMs)
            if (issued < group.maxRequests && performance.now() + expectedMs < endsAt) presigner.plan(input(sent), expectedMs)
            sentAt = performance.now()
            connection.exchange(signed.text, timeoutMs, (ending) => {
              const outcome = outcomeOf(group.synapse, ending)
              records.push([index, miner, outcome, ending.ms, variant])
              roundTrip.observe(ending.ms)
              if (group.stopOnFailure && ending.kind === "failed") return stop()
              const waitMs = sentAt + group.intervalMs - performance.now()
              if (waitMs > 0) pause = setTimeout(next, waitMs)
              else next()
            })
          })
        }
        return { connection, presigner, start: () => presigner.plan(input(0), 0), next, unpause: () => clearTimeout(pause) }
      })
      for (const caller of callers) {
        caller.start()
        caller.next()
      }
      return Effect.sync(() => {
        for (const { connection, presigner, unpause } of callers) {
          unpause()
          presigner.cancel()
          connection.close()
        }
      })
    })
  )
