import { DENDRITE_VERSION, EMPTY_BODY_HASH, type Keypair, requestHeaders, signRequest, wireJson } from "@gittensor-pat/axon"
import { minerToken } from "../miners.js"
import type { LoadGroup } from "./spec.js"

/** The validator a load run calls. */
export interface Target {
  readonly host: string
  readonly port: number
  readonly hotkey: string
}

/** What one request says: who sends which synapse (and, for a broadcast, which token). */
export interface RequestInput {
  readonly synapse: LoadGroup["synapse"]
  readonly timeoutSeconds: number
  readonly miner: number
  readonly variant: number
  /** The caller's dendrite uuid: one per caller, as a dendrite process keeps one. */
  readonly uuid: string
}

let lastNonce = 0n

// A dendrite's nonce is its clock in nanoseconds, never repeated within a thread.
const nextNonce = (): bigint => {
  const now = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n
  lastNonce = now > lastNonce ? now : lastNonce + 1n
  return lastNonce
}

/**
 * The request a Bittensor dendrite sends as the miner, as the bytes that go on the wire
 * (HTTP/1.1, keep-alive): the header set of axon's `requestHeaders`, an sr25519 signature
 * from axon's `signRequest`, the synapse as JSON (its nonce digit for digit). Each caller
 * keeps its own uuid, so one miner may have many in flight (one per caller) without
 * tripping the nonce ordering rule. Returns the text and the nonce's time in milliseconds,
 * so the sender can tell how old it is.
 */
export const requestText = (
  keypair: Keypair,
  target: Target,
  input: RequestInput
): { readonly text: string; readonly signedAtMs: number } => {
  const nonce = nextNonce()
  const uuid = input.uuid
  const signature = signRequest(keypair, { nonce, axonHotkey: target.hotkey, uuid, bodyHash: EMPTY_BODY_HASH })
  const dendrite = { ip: "127.0.0.1", version: DENDRITE_VERSION, nonce, uuid, hotkey: keypair.address, signature }
  const axon = { ip: target.host, port: target.port, hotkey: target.hotkey }
  const fields =
    input.synapse === "PatBroadcastSynapse" ? { github_access_token: minerToken(input.miner, input.variant) } : {}
  const body = wireJson({
    name: input.synapse,
    timeout: input.timeoutSeconds,
    dendrite,
    axon,
    computed_body_hash: EMPTY_BODY_HASH,
    ...fields
  })
  const headers = requestHeaders({
    name: input.synapse,
    timeout: input.timeoutSeconds,
    dendrite,
    axon,
    totalSize: Buffer.byteLength(body)
  })
  let head = `POST /${input.synapse} HTTP/1.1\r\nhost: ${target.host}:${target.port}\r\nconnection: keep-alive\r\n`
  for (const name in headers) head += `${name}: ${headers[name]}\r\n`
  head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`
  return { text: head + body, signedAtMs: Number(nonce / 1_000_000n) }
}
