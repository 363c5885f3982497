import type { MessagePort } from "node:worker_threads"
import type { SignedRequest } from "./signature.js"

/** Requests for a verifier worker: one transferred buffer per event-loop turn. */
export interface VerifyBatch {
  readonly id: number
  /** {@link encodeBatch}'s bytes. */
  readonly requests: Uint8Array<ArrayBuffer>
}

/** A worker's answer to a {@link VerifyBatch}: a byte per request, in order, 1 when it verifies. */
export interface VerifyAnswer {
  readonly id: number
  readonly results: Uint8Array
}

/** What a worker posts once, when its WASM is loaded and it answers batches. */
export const WORKER_READY = "ready"

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const FIELDS = 6

/** The requests' signed fields and signatures as UTF-8 JSON: nothing else crosses to a worker. */
export const encodeBatch = (requests: ReadonlyArray<SignedRequest>): Uint8Array<ArrayBuffer> => {
  // JSON carries any string exactly (lone surrogates included), so the worker checks the same
  // message the synchronous `verifyRequest` would; one flat array keeps it one allocation.
  const fields: Array<string> = []
  for (const request of requests) {
    fields.push(
      `${request.nonce}`,
      request.dendriteHotkey,
      request.axonHotkey,
      request.uuid,
      request.bodyHash,
      request.signature
    )
  }
  return encoder.encode(JSON.stringify(fields))
}

/** The requests {@link encodeBatch} encoded, in order. */
const decodeBatch = (bytes: Uint8Array): Array<SignedRequest> => {
  const fields = JSON.parse(decoder.decode(bytes)) as Array<string>
  const requests: Array<SignedRequest> = []
  for (let i = 0; i + FIELDS <= fields.length; i += FIELDS) {
    requests.push({
      nonce: BigInt(fields[i]!),
      dendriteHotkey: fields[i + 1]!,
      axonHotkey: fields[i + 2]!,
      uuid: fields[i + 3]!,
      bodyHash: fields[i + 4]!,
      signature: fields[i + 5]!
    })
  }
  return requests
}

/** A worker's side: answers every batch arriving on `port` with `verify`, after saying it is ready. */
export const answerBatches = (port: MessagePort, verify: (request: SignedRequest) => boolean): void => {
  port.on("message", ({ id, requests }: VerifyBatch) => {
    const decoded = decodeBatch(requests)
    const results = new Uint8Array(decoded.length)
    for (let i = 0; i < decoded.length; i++) results[i] = verify(decoded[i]!) ? 1 : 0
    const answer: VerifyAnswer = { id, results }
    port.postMessage(answer, [results.buffer])
  })
  port.postMessage(WORKER_READY)
}
