import type { Keypair } from "@gittensor-pat/axon"
import { Effect } from "effect"
import { parentPort } from "node:worker_threads"
import { minerKeypair } from "../miners.js"
import { type RequestInput, requestText, type Target } from "./requestText.js"
import type { SignerReply, SignerRequest } from "./signerMessages.js"

// A signing thread of the load generator: sr25519 costs ~0.25 ms a request, and on the
// sending thread it would delay every send behind it. It derives the miners' keys it is
// told about and turns jobs into the request bytes, batched both ways so that the message
// passing costs a few microseconds a request, not tens.
const port = parentPort!
const keypairs = new Map<number, Keypair>()
let target: Target = { host: "127.0.0.1", port: 0, hotkey: "" }

// Replies go back in batches, but no job waits on its batch for more than this.
const flushEveryMs = 1

const sign = (jobs: ReadonlyArray<readonly [number, RequestInput]>) => {
  let results: Array<readonly [number, string, number]> = []
  let flushedAt = performance.now()
  for (const [id, input] of jobs) {
    const keypair = keypairs.get(input.miner)
    if (keypair === undefined) {
      results.push([id, "", 0])
      continue
    }
    const { text, signedAtMs } = requestText(keypair, target, input)
    results.push([id, text, signedAtMs])
    if (performance.now() - flushedAt >= flushEveryMs) {
      port.postMessage({ kind: "signed", results } satisfies SignerReply)
      results = []
      flushedAt = performance.now()
    }
  }
  if (results.length > 0) port.postMessage({ kind: "signed", results } satisfies SignerReply)
}

const prepare = (miners: ReadonlyArray<number>) =>
  Effect.forEach(
    miners.filter((miner) => !keypairs.has(miner)),
    (miner) => Effect.map(minerKeypair(miner), (keypair) => keypairs.set(miner, keypair)),
    { discard: true }
  )

port.on("message", (message: SignerRequest) => {
  switch (message.kind) {
    case "prepare":
      target = message.target
      void Effect.runPromise(prepare(message.miners)).then(() =>
        port.postMessage({ kind: "prepared", id: message.id } satisfies SignerReply)
      )
      return
    case "sign":
      return sign(message.jobs)
  }
})
