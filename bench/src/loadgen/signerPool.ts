import { Effect, type Scope } from "effect"
import { Worker } from "node:worker_threads"
import type { RequestInput, Target } from "./requestText.js"
import type { SignerReply, SignerRequest } from "./signerMessages.js"

/** A signed request's bytes and when its nonce was taken (ms since the epoch). */
export interface Signed {
  readonly text: string
  readonly signedAtMs: number
}

/** Signing threads, fed from the sending thread. */
export interface SignerPool {
  /** Derives `miners`' keys in every thread and signs for `target` from now on. */
  readonly prepare: (target: Target, miners: ReadonlyArray<number>) => Effect.Effect<void>
  /** Queues a request for signing; `done` runs on the sending thread with its bytes. */
  readonly sign: (input: RequestInput, done: (signed: Signed) => void) => void
  /** Signatures made so far. */
  readonly signatures: () => number
}

// The worker's entry is TypeScript: tsx's hooks must be registered inside the thread before
// it is imported (`--import tsx` does not reach a worker's entry on Node 20).
const bootstrap = (entry: string) =>
  `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`

/** Starts `threads` signing threads for the life of the scope. */
export const makeSignerPool = (threads: number): Effect.Effect<SignerPool, never, Scope.Scope> =>
  Effect.gen(function* () {
    const entry = new URL("./signer.ts", import.meta.url).href
    const workers = yield* Effect.forEach(Array.from({ length: Math.max(1, threads) }), () =>
      Effect.acquireRelease(
        Effect.sync(() => new Worker(bootstrap(entry), { eval: true })),
        (worker) => Effect.promise(() => worker.terminate())
      )
    )
    const waiting = new Map<number, (signed: Signed) => void>()
    const outstanding = workers.map(() => 0)
    const prepared = new Map<number, () => void>()
    let nextId = 0
    let signatures = 0
    let queued: Array<readonly [number, RequestInput]> = []
    let flushScheduled = false

    workers.forEach((worker, index) => {
      // Without its signer the load generator cannot send, and its callers would wait for
      // ever: it exits, and the bench's call to it fails naming its log.
      worker.on("error", (error) => {
        console.error(`signing thread failed: ${String(error)}`)
        process.exit(1)
      })
      worker.on("message", (reply: SignerReply) => {
        if (reply.kind === "prepared") return prepared.get(reply.id)?.()
        outstanding[index] = (outstanding[index] ?? 0) - reply.results.length
        for (const [id, text, signedAtMs] of reply.results) {
          const done = waiting.get(id)
          waiting.delete(id)
          signatures += 1
          done?.({ text, signedAtMs })
        }
      })
    })

    // Jobs queued in one turn of the event loop go out as one message, to the thread with
    // the fewest jobs still to do.
    const flush = () => {
      flushScheduled = false
      const jobs = queued
      queued = []
      let least = 0
      for (let index = 1; index < workers.length; index++) {
        if ((outstanding[index] ?? 0) < (outstanding[least] ?? 0)) least = index
      }
      outstanding[least] = (outstanding[least] ?? 0) + jobs.length
      workers[least]?.postMessage({ kind: "sign", jobs } satisfies SignerRequest)
    }

    const prepare = (target: Target, miners: ReadonlyArray<number>) =>
      Effect.forEach(
        workers,
        (worker) =>
          Effect.async<void>((resume) => {
            const id = nextId++
            prepared.set(id, () => {
              prepared.delete(id)
              resume(Effect.void)
            })
            worker.postMessage({ kind: "prepare", id, target, miners } satisfies SignerRequest)
          }),
        { concurrency: "unbounded", discard: true }
      )

    const pool: SignerPool = {
      prepare,
      sign: (input, done) => {
        const id = nextId++
        waiting.set(id, done)
        queued.push([id, input])
        if (!flushScheduled) {
          flushScheduled = true
          setImmediate(flush)
        }
      },
      signatures: () => signatures
    }
    return pool
  })
