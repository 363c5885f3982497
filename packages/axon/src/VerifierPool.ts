import { availableParallelism } from "node:os"
import type { Worker } from "node:worker_threads"
import { startWorkerThread, workerEntry } from "@gittensor-pat/worker-threads"
import { VerifierError } from "./errors.js"
import type { SignedRequest } from "./signature.js"
import { encodeBatch, type VerifyAnswer, type VerifyBatch, WORKER_READY } from "./verifierProtocol.js"

/** How the verifier pool is sized and bounded. */
export interface VerifierPoolOptions {
  /** Worker threads. Default: `defaultWorkers` of the machine's cores. */
  readonly workers?: number
  /** The most verifies queued or in flight; past it a verify fails `overloaded` at once. Default 4096. */
  readonly maxPending?: number
  /** The worker's entry module. Default: axon's `sr25519Worker.ts`, or its bundle beside the program's. */
  readonly workerUrl?: URL
}

/** How a verify ends: whether the signature holds, or why the pool could not tell. */
export type VerifyCallback = (outcome: boolean | VerifierError) => void

/** sr25519 request verification on worker threads, batched per event-loop turn. */
export interface VerifierPool {
  /** Queues `request`; `done` runs exactly once, with the answer or the pool's failure. */
  readonly submit: (request: SignedRequest, done: VerifyCallback) => void
  /** {@link VerifierPool.submit} as a promise; rejects with a `VerifierError`. */
  readonly verify: (request: SignedRequest) => Promise<boolean>
  /** Fails every pending verify with `closed` and resolves once every thread has exited. */
  readonly close: () => Promise<void>
}

/**
 * The default pool's ceiling, however many cores. The main thread feeds the pool: a request
 * with a forged signature costs it ~0.3 ms in all, and a thread 0.2–0.35 ms to verify
 * (bench/README.md, "Memory"), so one thread keeps up with all the main thread can send,
 * flooded or not, and four cover that more than three times over. Each thread holds
 * ~19 MiB of RSS while it waits: a thread per core would be ~590 MiB on 32 cores.
 */
const MAX_DEFAULT_WORKERS = 4

/** The pool's size when none is asked for: a thread per core but the main thread's, at least 1, at most 4. */
export const defaultWorkers = (cores: number): number => Math.max(1, Math.min(MAX_DEFAULT_WORKERS, cores - 1))

// Answers come back per batch: a cap keeps one burst from holding every answer until its end.
const MAX_BATCH = 64
// A thread that dies before it is ready would die again at once: pause before the next.
const RESPAWN_PAUSE_MS = 1_000

interface Slot {
  worker: Worker | undefined
  ready: boolean
  inputs: Array<SignedRequest>
  callbacks: Array<VerifyCallback>
  readonly inFlight: Map<number, Array<VerifyCallback>>
  load: number
}

// scripts/bundleProgram.mjs emits the worker's bundle beside `<program>.cjs` under this name.
const defaultWorkerUrl = (): URL => workerEntry(import.meta.url, "./sr25519Worker.ts", ".sr25519-worker.mjs")

/**
 * Starts the pool's threads and resolves once each has loaded the WASM; rejects with a
 * `start-failed` `VerifierError` (and stops the others) if one exits first.
 */
export const openVerifierPool = (options: VerifierPoolOptions = {}): Promise<VerifierPool> => {
  const entry = options.workerUrl ?? defaultWorkerUrl()
  const startWorker = () => startWorkerThread(entry)
  const size = Math.max(1, Math.floor(options.workers ?? defaultWorkers(availableParallelism())))
  const maxPending = Math.max(1, options.maxPending ?? 4096)
  const slots: Array<Slot> = Array.from({ length: size }, () => ({
    worker: undefined,
    ready: false,
    inputs: [],
    callbacks: [],
    inFlight: new Map(),
    load: 0
  }))
  const respawns = new Set<NodeJS.Timeout>()
  let pending = 0
  let nextBatch = 0
  let flushScheduled = false
  let closed = false

  const failAll = (slot: Slot, error: VerifierError) => {
    const callbacks = [...slot.callbacks, ...[...slot.inFlight.values()].flat()]
    slot.inputs = []
    slot.callbacks = []
    slot.inFlight.clear()
    slot.load = 0
    pending -= callbacks.length
    for (const done of callbacks) done(error)
  }

  const answer = (slot: Slot, { id, results }: VerifyAnswer) => {
    const callbacks = slot.inFlight.get(id)
    if (callbacks === undefined) return
    slot.inFlight.delete(id)
    slot.load -= callbacks.length
    pending -= callbacks.length
    for (let i = 0; i < callbacks.length; i++) callbacks[i]!(results[i] === 1)
  }

  const spawn = (slot: Slot, started: (failure: VerifierError | undefined) => void): void => {
    const worker = startWorker()
    let cause = "no error reported"
    slot.worker = worker
    worker.on("message", (message: VerifyAnswer | typeof WORKER_READY) => {
      if (message !== WORKER_READY) return answer(slot, message)
      slot.ready = true
      started(undefined)
    })
    worker.on("error", (error) => {
      cause = error.message
    })
    worker.on("exit", (code) => {
      const wasReady = slot.ready
      slot.worker = undefined
      slot.ready = false
      const detail = `a worker thread exited (code ${code}): ${cause}`
      if (!wasReady) started(new VerifierError({ reason: "start-failed", detail }))
      if (closed) return
      failAll(slot, new VerifierError({ reason: "worker-exited", detail }))
      if (wasReady) return spawn(slot, () => {})
      const timer = setTimeout(() => {
        respawns.delete(timer)
        spawn(slot, () => {})
      }, RESPAWN_PAUSE_MS)
      respawns.add(timer)
    })
  }

  const flush = () => {
    flushScheduled = false
    for (const slot of slots) {
      while (slot.worker !== undefined && slot.inputs.length > 0) {
        const batch: VerifyBatch = { id: nextBatch++, requests: encodeBatch(slot.inputs.splice(0, MAX_BATCH)) }
        slot.inFlight.set(batch.id, slot.callbacks.splice(0, MAX_BATCH))
        slot.worker.postMessage(batch, [batch.requests.buffer])
      }
    }
  }

  const refuse = (done: VerifyCallback, reason: VerifierError["reason"], detail: string) =>
    done(new VerifierError({ reason, detail }))

  const submit = (request: SignedRequest, done: VerifyCallback) => {
    if (closed) return refuse(done, "closed", "the verifier pool is closed")
    if (pending >= maxPending) return refuse(done, "overloaded", `${pending} verifies are already pending`)
    let slot: Slot | undefined
    for (const candidate of slots) {
      if (candidate.worker !== undefined && (slot === undefined || candidate.load < slot.load)) slot = candidate
    }
    if (slot === undefined) return refuse(done, "unavailable", "every worker thread is restarting")
    slot.inputs.push(request)
    slot.callbacks.push(done)
    slot.load++
    pending++
    if (!flushScheduled) {
      flushScheduled = true
      setImmediate(flush)
    }
  }

  const verify = (request: SignedRequest): Promise<boolean> =>
    new Promise((resolve, reject) =>
      submit(request, (outcome) => (typeof outcome === "boolean" ? resolve(outcome) : reject(outcome)))
    )

  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    for (const timer of respawns) clearTimeout(timer)
    const workers = slots.flatMap((slot) => (slot.worker === undefined ? [] : [slot.worker]))
    const error = new VerifierError({ reason: "closed", detail: "the verifier pool closed" })
    for (const slot of slots) failAll(slot, error)
    await Promise.all(workers.map((worker) => worker.terminate()))
  }

  return new Promise((resolve, reject) => {
    let starting = size
    for (const slot of slots) {
      spawn(slot, (failure) => {
        if (failure === undefined) {
          if (--starting === 0) resolve({ submit, verify, close })
        } else if (!closed) {
          void close()
          reject(failure)
        }
      })
    }
  })
}
