import { randomUUID } from "node:crypto"
import { readFileSync } from "node:fs"
import * as net from "node:net"
import { DENDRITE_VERSION, EMPTY_BODY_HASH, type Keypair, requestHeaders, signRequest } from "@gittensor-pat/axon"
import { Effect, type Scope } from "effect"
import { BenchError } from "./errors.js"
import type { Target } from "./loadgen/requestText.js"
import { summarize } from "./stats.js"

/**
 * What the half-sent requests carry: a registered miner's hotkey with a forged signature
 * (issue 13's attack: no key needed), or a real signature from the miner (the attacker
 * holds a registered key: every header check passes and only the body is missing).
 */
export type FloodKind = "forged" | "signed"

/** A flood of half-sent requests. */
export interface FloodSpec {
  readonly target: Target
  /** Connections held half-sent at once. */
  readonly sockets: number
  readonly kind: FloodKind
  /** The miners the requests speak as, in turn. */
  readonly keypairs: ReadonlyArray<Keypair>
  /** The requests' `timeout` header, seconds. */
  readonly timeoutSeconds: number
}

/** How a flood's requests ended. */
export interface FloodFigures {
  /** Half-sent requests sent, the replacements of those the validator closed included. */
  readonly requests: number
  /** Answers by status (`none`: none had come when the connection closed, on either side). */
  readonly answers: Record<string, number>
  /** Connections the validator closed, and how long it held them, from connect to close. */
  readonly closedByValidator: number
  readonly heldMsP50: number
  readonly heldMsMax: number
  /** Connections still open when the flood stopped waiting for them. */
  readonly stillOpen: number
}

/** A running flood: it keeps `sockets` connections half-sent until stopped. */
export interface Flood {
  /** Stops replacing closed connections, waits up to `settleMs` for the validator to close the rest, then drops them. */
  readonly stop: (settleMs: number) => Effect.Effect<FloodFigures>
}

// Issue 13's attack: a check's headers announcing 2,000 bytes of body, then 9 of them.
const DECLARED_BYTES = 2_000
const SENT_BODY = '{"name":"'
const FORGED_SIGNATURE = `0x${"00".repeat(64)}`
// Sockets besides the flood's: the bench's own, the load generator's, files, pipes.
const SPARE_FILES = 512

let lastNonce = 0n

const halfSentRequest = (keypair: Keypair, spec: FloodSpec): string => {
  const now = BigInt(Date.now()) * 1_000_000n
  lastNonce = now > lastNonce ? now : lastNonce + 1n
  const nonce = lastNonce
  const uuid = randomUUID()
  const { target } = spec
  const signature =
    spec.kind === "signed" ? signRequest(keypair, { nonce, axonHotkey: target.hotkey, uuid, bodyHash: EMPTY_BODY_HASH }) : FORGED_SIGNATURE
  const headers = requestHeaders({
    name: "PatCheckSynapse",
    timeout: spec.timeoutSeconds,
    dendrite: { ip: "127.0.0.1", version: DENDRITE_VERSION, nonce, uuid, hotkey: keypair.address, signature },
    axon: { ip: target.host, port: target.port, hotkey: target.hotkey },
    totalSize: DECLARED_BYTES
  })
  let head = `POST /PatCheckSynapse HTTP/1.1\r\nhost: ${target.host}:${target.port}\r\n`
  for (const name in headers) head += `${name}: ${headers[name]}\r\n`
  return `${head}content-type: application/json\r\ncontent-length: ${DECLARED_BYTES}\r\n\r\n${SENT_BODY}`
}

// The soft limit on open files, which the validator (a child) inherits too; Node cannot raise it.
const openFileLimit = (): number => {
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"))?.[1]
  return line === undefined || line === "unlimited" ? Number.POSITIVE_INFINITY : Number(line)
}

/**
 * Opens `spec.sockets` connections, each sending a check's headers and 9 bytes of its
 * 2,000-byte body, then nothing; every connection the validator closes is replaced at once,
 * so the flood stays at full strength for as long as it runs. Resolves once every first
 * connection has sent its bytes. The scope's end drops whatever is left.
 */
export const startFlood = (spec: FloodSpec): Effect.Effect<Flood, BenchError, Scope.Scope> =>
  Effect.gen(function* () {
    const limit = openFileLimit()
    if (limit < spec.sockets + SPARE_FILES) {
      return yield* new BenchError({
        message: `the flood needs ${spec.sockets + SPARE_FILES} open files, the limit is ${limit}: raise it (ulimit -n ${2 * (spec.sockets + SPARE_FILES)}) and run again`
      })
    }
    const live = new Set<net.Socket>()
    const dropped = new WeakSet<net.Socket>()
    const answers: Record<string, number> = {}
    const held: Array<number> = []
    let requests = 0
    let replacing = true
    let next = 0

    // `settled` is called once the bytes are written, or the connection failed before.
    const open = (settled: () => void) => {
      const keypair = spec.keypairs[next++ % spec.keypairs.length]!
      const text = halfSentRequest(keypair, spec)
      const openedAt = performance.now()
      const socket = net.connect({ host: spec.target.host, port: spec.target.port })
      let status = "none"
      let sent = false
      const settle = () => {
        if (!sent) settled()
        sent = true
      }
      requests += 1
      live.add(socket)
      socket.once("connect", () => socket.write(text, settle))
      socket.on("data", (chunk: Buffer) => {
        if (status === "none") status = chunk.toString("latin1", 9, 12)
      })
      socket.on("error", () => {})
      socket.once("close", () => {
        settle()
        live.delete(socket)
        answers[status] = (answers[status] ?? 0) + 1
        if (dropped.has(socket)) return
        held.push(performance.now() - openedAt)
        if (replacing) open(() => {})
      })
    }

    const drop = () => {
      replacing = false
      for (const socket of live) {
        dropped.add(socket)
        socket.destroy()
      }
    }
    yield* Effect.addFinalizer(() => Effect.sync(drop))
    yield* Effect.async<void>((resume) => {
      let pending = spec.sockets
      for (let i = 0; i < spec.sockets; i++) open(() => --pending === 0 && resume(Effect.void))
    })

    const stop = (settleMs: number) =>
      Effect.gen(function* () {
        replacing = false
        const until = performance.now() + settleMs
        while (live.size > 0 && performance.now() < until) yield* Effect.sleep("100 millis")
        const stillOpen = live.size
        drop()
        const heldMs = summarize(held)
        const figures: FloodFigures = {
          requests,
          answers,
          closedByValidator: held.length,
          heldMsP50: heldMs.p50,
          heldMsMax: heldMs.max,
          stillOpen
        }
        return figures
      })
    return { stop }
  })
