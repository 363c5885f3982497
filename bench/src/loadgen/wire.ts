import { DENDRITE_VERSION, EMPTY_BODY_HASH, type Keypair, requestHeaders, signRequest } from "@gittensor-pat/axon"
import { broadcastCategory, checkCategory } from "@gittensor-pat/core"
import { Effect, Option } from "effect"
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import { minerToken } from "../miners.js"
import type { LoadGroup } from "./spec.js"

/** Who calls: the miners' hotkeys, and the validator they call. */
export interface Caller {
  readonly keypairs: ReadonlyMap<number, Keypair>
  readonly target: { readonly host: string; readonly port: number; readonly hotkey: string }
}

/** One signed request, ready for the socket. */
export interface SignedRequest {
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

let lastNonce = 0n

// A dendrite's nonce is its clock in nanoseconds, never repeated within a process.
const nextNonce = (): bigint => {
  const now = BigInt(Date.now()) * 1_000_000n
  lastNonce = now > lastNonce ? now : lastNonce + 1n
  return lastNonce
}

/**
 * The request a Bittensor dendrite sends as `miner` (the header set of axon's
 * `requestHeaders`, an sr25519 signature from axon's `signRequest`, the synapse as JSON),
 * built without Effect's HTTP client so that the load generator spends its CPU on sending,
 * not on its own plumbing. Each request gets a fresh uuid, so one miner may have many in
 * flight without tripping the nonce ordering rule.
 */
export const signedRequest = (caller: Caller, group: LoadGroup, miner: number, variant: number): SignedRequest => {
  const keypair = caller.keypairs.get(miner)!
  const nonce = nextNonce()
  const uuid = randomUUID()
  const axonHotkey = caller.target.hotkey
  const signature = signRequest(keypair, { nonce, axonHotkey, uuid, bodyHash: EMPTY_BODY_HASH })
  const dendrite = { ip: "127.0.0.1", version: DENDRITE_VERSION, nonce, uuid, hotkey: keypair.address, signature }
  const axon = { ip: caller.target.host, port: caller.target.port, hotkey: axonHotkey }
  const fields = group.synapse === "PatBroadcastSynapse" ? { github_access_token: minerToken(miner, variant) } : {}
  const body = JSON.stringify({
    name: group.synapse,
    timeout: group.timeoutSeconds,
    dendrite: { ...dendrite, nonce: Number(nonce) },
    axon,
    computed_body_hash: EMPTY_BODY_HASH,
    ...fields
  })
  const headers = requestHeaders({
    name: group.synapse,
    timeout: group.timeoutSeconds,
    dendrite,
    axon,
    totalSize: Buffer.byteLength(body)
  })
  return { path: `/${group.synapse}`, headers: { ...headers, "content-type": "application/json" }, body }
}

/** How one call ended, in the miner's words, and how long it took. */
export interface CallResult {
  /** The category of a 200, `status:<code>`, `timeout`, `failed:<errno>` or `bad-answer`. */
  readonly outcome: string
  readonly ms: number
}

const parsed = (body: string): Option.Option<Record<string, unknown>> => {
  try {
    const value: unknown = JSON.parse(body)
    return typeof value === "object" && value !== null ? Option.some(value as Record<string, unknown>) : Option.none()
  } catch {
    return Option.none()
  }
}

const categoryOf = (synapse: LoadGroup["synapse"], body: string): string =>
  Option.match(parsed(body), {
    onNone: () => "bad-answer",
    onSome: (json) => (synapse === "PatCheckSynapse" ? checkCategory(Option.some(json)) : broadcastCategory(Option.some(json)))
  })

// One keep-alive pool, without a socket cap: the workers alone set the concurrency.
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })

/**
 * Sends a signed request and gives up after the group's timeout, as a dendrite does; timed
 * from the hand-over to the socket to the last byte of the answer. Never fails.
 */
export const send = (caller: Caller, group: LoadGroup, request: SignedRequest): Effect.Effect<CallResult> =>
  Effect.async<CallResult>((resume) => {
    const started = performance.now()
    let timer: NodeJS.Timeout | undefined
    let settled = false
    const settle = (outcome: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resume(Effect.succeed({ outcome, ms: Math.round((performance.now() - started) * 100) / 100 }))
    }
    const failed = (error: NodeJS.ErrnoException) => settle(`failed:${error.code ?? "transport"}`)
    const req = http.request(
      {
        host: caller.target.host,
        port: caller.target.port,
        method: "POST",
        path: request.path,
        agent,
        headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) }
      },
      (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (chunk: Buffer) => chunks.push(chunk))
        res.on("error", failed)
        res.on("end", () =>
          settle(
            res.statusCode === 200
              ? categoryOf(group.synapse, Buffer.concat(chunks).toString("utf8"))
              : `status:${res.statusCode}`
          )
        )
      }
    )
    timer = setTimeout(() => {
      settle("timeout")
      req.destroy()
    }, group.timeoutSeconds * 1000)
    req.on("error", failed)
    req.end(request.body)
    return Effect.sync(() => {
      clearTimeout(timer)
      req.destroy()
    })
  })
