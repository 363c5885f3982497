import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Redacted, Schema } from "effect"
import {
  callAxon,
  DENDRITE_VERSION,
  EMPTY_BODY_HASH,
  keypairFromMnemonic,
  PatBroadcastSynapse,
  PatCheckSynapse,
  verifyResponse
} from "../src/index.js"
import { dendriteNonceDigits, serveFakeAxon } from "../src/testing/index.js"
import { BTWALLET, SUBSTRATE_DEV } from "./vectors.js"

const TOKEN = "ghp_dendriteTestTokenWXYZ"

const keys = Effect.all({
  miner: keypairFromMnemonic(SUBSTRATE_DEV.mnemonic),
  validator: keypairFromMnemonic(BTWALLET.mnemonic)
})

const checkAnswer = PatCheckSynapse.make({ has_pat: true, pat_valid: true })
const okCheck = { status: 200, body: Schema.encodeSync(PatCheckSynapse)(checkAnswer) } as const

describe("callAxon", () => {
  it.scopedLive("sends what a Python dendrite sends, signed so the axon verifies it", () =>
    Effect.gen(function* () {
      const { miner, validator } = yield* keys
      const axon = yield* serveFakeAxon({
        keypair: validator,
        answer: () => ({
          status: 200,
          body: Schema.encodeSync(PatBroadcastSynapse)(
            PatBroadcastSynapse.make({ github_access_token: Redacted.make(""), accepted: true })
          )
        })
      })
      const answer = yield* callAxon({
        keypair: miner,
        target: { ip: "127.0.0.1", port: axon.port, hotkey: validator.address },
        synapse: "PatBroadcastSynapse",
        fields: { github_access_token: Redacted.make(TOKEN) },
        timeoutSeconds: 5
      })
      assert.strictEqual(answer.accepted, true)
      assert.strictEqual(answer.axon?.status_code, 200)
      assert.strictEqual(answer.axon?.status_message, "Success")
      assert.strictEqual(answer.axon?.hotkey, validator.address)

      const [request] = axon.requests
      assert.isTrue(request!.signatureValid)
      assert.strictEqual(request!.path, "/PatBroadcastSynapse")
      const headers = request!.headers!
      assert.strictEqual(headers.name, "PatBroadcastSynapse")
      assert.strictEqual(headers.timeout, 5)
      assert.strictEqual(headers.computedBodyHash, EMPTY_BODY_HASH)
      assert.strictEqual(headers.dendrite.hotkey, miner.address)
      assert.strictEqual(headers.dendrite.version, DENDRITE_VERSION)
      assert.strictEqual(headers.axon.hotkey, validator.address)
      assert.strictEqual(headers.axon.port, axon.port)
      assert.strictEqual(request!.rawHeaders["content-type"], "application/json")
      assert.strictEqual(request!.rawHeaders.bt_header_input_obj_github_access_token, "IiI=")
      const nowNs = BigInt(Date.now()) * 1_000_000n
      assert.isTrue(headers.dendrite.nonce! <= nowNs && headers.dendrite.nonce! > nowNs - 10_000_000_000n)

      const body = request!.body as Record<string, unknown>
      assert.strictEqual(body.github_access_token, TOKEN)
      assert.strictEqual(body.name, "PatBroadcastSynapse")
      assert.strictEqual(body.computed_body_hash, "")
      assert.deepInclude(body.dendrite as object, { hotkey: miner.address, uuid: headers.dendrite.uuid })
      assert.deepInclude(body.axon as object, { hotkey: validator.address, port: axon.port })
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.scopedLive("the body carries the header's exact nonce digits; no tracing headers go out", () =>
    Effect.gen(function* () {
      const { miner, validator } = yield* keys
      const axon = yield* serveFakeAxon({ keypair: validator, answer: () => okCheck })
      const target = { ip: "127.0.0.1", port: axon.port, hotkey: validator.address }
      for (let i = 0; i < 3; i++) yield* callAxon({ keypair: miner, target, synapse: "PatCheckSynapse", fields: {} })
      for (const request of axon.requests) {
        const header = request.rawHeaders.bt_header_dendrite_nonce!
        assert.isFalse(Number.isSafeInteger(Number(header)), `a nanosecond nonce is beyond 2^53: ${header}`)
        assert.strictEqual(dendriteNonceDigits(request.rawBody), header)
        assert.notProperty(request.rawHeaders, "b3")
        assert.notProperty(request.rawHeaders, "traceparent")
      }
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.scopedLive("keeps one uuid per keypair and strictly increasing nonces under concurrency", () =>
    Effect.gen(function* () {
      const { miner, validator } = yield* keys
      const axon = yield* serveFakeAxon({ keypair: validator, answer: () => okCheck })
      const target = { ip: "127.0.0.1", port: axon.port, hotkey: validator.address }
      yield* Effect.forEach(
        Array.from({ length: 20 }, () => ({ keypair: miner, target, synapse: "PatCheckSynapse" as const, fields: {} })),
        callAxon,
        { concurrency: "unbounded" }
      )
      yield* callAxon({ keypair: miner, target, synapse: "PatCheckSynapse", fields: {}, uuid: "load-client-7" })
      const uuids = axon.requests.map((request) => request.headers!.dendrite.uuid)
      assert.strictEqual(new Set(uuids.slice(0, 20)).size, 1)
      assert.strictEqual(uuids[20], "load-client-7")
      const nonces = axon.requests.map((request) => request.headers!.dendrite.nonce!)
      assert.strictEqual(new Set(nonces).size, nonces.length)
      assert.isTrue(axon.requests.every((request) => request.signatureValid))
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.scopedLive("a non-200 answer is a status error with the axon's message", () =>
    Effect.gen(function* () {
      const { miner, validator } = yield* keys
      const message = "Forbidden. Key is blacklisted: Hotkey 5DfhGyQdFobKM8Ns... not registered."
      const axon = yield* serveFakeAxon({ keypair: validator, answer: () => ({ status: 403, body: { message } }) })
      const error = yield* Effect.flip(
        callAxon({
          keypair: miner,
          target: { ip: "127.0.0.1", port: axon.port, hotkey: validator.address },
          synapse: "PatBroadcastSynapse",
          fields: { github_access_token: Redacted.make(TOKEN) }
        })
      )
      assert.strictEqual(error._tag, "AxonStatusError")
      if (error._tag === "AxonStatusError") {
        assert.strictEqual(error.status, 403)
        assert.strictEqual(error.statusMessage, message)
      }
      assert.notInclude(`${error.message} ${JSON.stringify(error)}`, TOKEN)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.scopedLive("a silent axon times out near the timeout", () =>
    Effect.gen(function* () {
      const { miner, validator } = yield* keys
      const axon = yield* serveFakeAxon({ keypair: validator, answer: () => ({ hang: true }) })
      const started = Date.now()
      const error = yield* Effect.flip(
        callAxon({
          keypair: miner,
          target: { ip: "127.0.0.1", port: axon.port, hotkey: validator.address },
          synapse: "PatCheckSynapse",
          fields: {},
          timeoutSeconds: 0.3
        })
      )
      assert.strictEqual(error._tag, "AxonTimeoutError")
      assert.isBelow(Date.now() - started, 300 + 250)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.scopedLive("an unreachable axon is a connection error", () =>
    Effect.gen(function* () {
      const { miner, validator } = yield* keys
      const closedPort = yield* Effect.async<number>((resume) => {
        const server = createServer().listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo
          server.close(() => resume(Effect.succeed(port)))
        })
      })
      const error = yield* Effect.flip(
        callAxon({
          keypair: miner,
          target: { ip: "127.0.0.1", port: closedPort, hotkey: validator.address },
          synapse: "PatBroadcastSynapse",
          fields: { github_access_token: Redacted.make(TOKEN) },
          timeoutSeconds: 5
        })
      )
      assert.strictEqual(error._tag, "AxonConnectionError")
      assert.notInclude(`${error.message} ${JSON.stringify(error)}`, TOKEN)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.scopedLive("a 200 that is not the synapse is a response error", () =>
    Effect.gen(function* () {
      const { miner, validator } = yield* keys
      const bodies: Array<unknown> = [{ has_pat: TOKEN }, [1, 2], "text"]
      const axon = yield* serveFakeAxon({ keypair: validator, answer: () => ({ status: 200, body: bodies.shift() }) })
      const target = { ip: "127.0.0.1", port: axon.port, hotkey: validator.address }
      for (let i = 0; i < 3; i++) {
        const exit = yield* Effect.exit(callAxon({ keypair: miner, target, synapse: "PatCheckSynapse", fields: {} }))
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) {
          assert.include(JSON.stringify(exit.cause), "AxonResponseError")
          assert.notInclude(JSON.stringify(exit.cause), TOKEN)
        }
      }
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.scopedLive("reads a Python axon's answer, whose axon signature verifies", () =>
    Effect.gen(function* () {
      const { miner, validator } = yield* keys
      const python: { status: number; headers: Record<string, string>; body: unknown } = JSON.parse(
        readFileSync(new URL("./fixtures/python-axon-check-response.json", import.meta.url), "utf8")
      )
      const axon = yield* serveFakeAxon({ keypair: validator, answer: () => python })
      const answer = yield* callAxon({
        keypair: miner,
        target: { ip: "127.0.0.1", port: axon.port, hotkey: validator.address },
        synapse: "PatCheckSynapse",
        fields: {}
      })
      assert.strictEqual(answer.has_pat, true)
      assert.strictEqual(answer.pat_valid, null)
      assert.strictEqual(answer.rejection_reason, "GitHub API temporarily unavailable; retry the check in a few minutes.")
      assert.strictEqual(answer.axon?.status_code, 200)
      assert.strictEqual(answer.axon?.process_time, 0.8412535190582275)
      assert.isTrue(
        verifyResponse({
          axonNonce: BigInt(python.headers.bt_header_axon_nonce!),
          dendriteHotkey: miner.address,
          axonHotkey: answer.axon!.hotkey!,
          axonUuid: answer.axon!.uuid!,
          signature: answer.axon!.signature!
        })
      )
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})
