import { createHash } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { FileSystem } from "@effect/platform"
import { NodeFileSystem, NodeHttpClient } from "@effect/platform-node"
import {
  callAxon,
  EMPTY_BODY_HASH,
  type Keypair,
  keypairFromSeed,
  requestHeaders,
  signRequest,
  type Sr25519Verifier,
  type SynapseFields,
  type SynapseName
} from "@gittensor-pat/axon"
import { type Hotkey, type Neuron, PatStore } from "@gittensor-pat/core"
import { StaticMetagraph, neuron } from "@gittensor-pat/core/testing"
import { GitHubHttp } from "@gittensor-pat/http-adapter"
import { FakeGitHub, type FakeGitHubServer } from "@gittensor-pat/fake-github"
import { JsonFilePatStore } from "@gittensor-pat/storage-adapter"
import { Context, type Duration, Effect, ExecutionStrategy, Exit, Layer, Logger, LogLevel, Redacted, Scope } from "effect"
import { jsonLine } from "../../src/ops/logLines.js"
import type { ServerAddress } from "../../src/http/Server.js"
import * as Validator from "../../src/Validator.js"

/** A deterministic test key from a label. */

/** Starts the validator's exported layer over the ports in context, serving until the scope closes. */
export const startValidator = (options: Validator.ValidatorOptions) =>
  Effect.map(Layer.build(Validator.layer(options)), (context) => Context.get(context, Validator.Validator))

export const testKey = (label: string): Effect.Effect<Keypair> =>
  Effect.orDie(keypairFromSeed(createHash("sha256").update(`validator-test:${label}`).digest()))

/** A temp folder removed when the scope closes. */
export const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "gittensor-validator-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/** Everything an end-to-end test talks to. */
export interface World {
  readonly validator: ServerAddress
  readonly validatorKey: Keypair
  /** Registered miners: `miners[i]` is on uid `i + 1`. */
  readonly miners: ReadonlyArray<Keypair>
  /** A key that is not in the metagraph. */
  readonly stranger: Keypair
  readonly github: FakeGitHubServer
  readonly storePath: string
  readonly metagraph: StaticMetagraph["Type"]
  readonly neurons: ReadonlyArray<Neuron>
  /** Every log record the validator wrote, as its JSON line (without the newline). */
  readonly logs: Array<string>
  /** Stops the validator (it drains) while GitHub, the store and the temp folder live on. */
  readonly stop: Effect.Effect<void>
}

/** Builds a world: fake GitHub, temp JSON store, a metagraph of the validator and 3 miners. */
export const makeWorld = (
  options: Partial<Omit<Validator.ValidatorOptions, "keypair">> & {
    readonly stakes?: ReadonlyArray<number>
    /** Optional services the validator picks up if present (e.g. an `Sr25519Verifier`). */
    readonly extra?: Layer.Layer<never> | Layer.Layer<Sr25519Verifier>
    /** The file system under the store (default Node's), e.g. one that injects faults. */
    readonly storeFileSystem?: Layer.Layer<FileSystem.FileSystem>
    /** How often the store looks after itself (its default otherwise). */
    readonly storeWatchInterval?: Duration.DurationInput
    /** The validator's minimum log level (default Info, as it runs). */
    readonly logLevel?: LogLevel.LogLevel
    /** Wraps the JSON file store the validator gets (e.g. to slow its saves down). */
    readonly decorateStore?: (store: PatStore["Type"]) => PatStore["Type"]
  } = {}
) =>
  Effect.gen(function* () {
    const dir = yield* tempDir
    const validatorKey = yield* testKey("validator")
    const miners = yield* Effect.forEach([1, 2, 3], (i) => testKey(`miner-${i}`))
    const stranger = yield* testKey("stranger")
    const github = yield* FakeGitHub.scoped
    const storePath = join(dir, "miner_pats.json")
    const neurons = [validatorKey, ...miners].map((key, uid) =>
      neuron(uid, key.address, uid === 0 ? 100_000 : (options.stakes?.[uid - 1] ?? 0))
    )
    const logs: Array<string> = []
    // The validator's JSON line format, captured as each record is logged (the batching of
    // the stdout sink is its own test's business): a test reads the lines of what it just did.
    const capture = Logger.replace(
      Logger.defaultLogger,
      Logger.make((record) => {
        logs.push(jsonLine(record))
      })
    )
    const fileStore = JsonFilePatStore.layer({
      path: storePath,
      ...(options.storeWatchInterval === undefined ? {} : { watchInterval: options.storeWatchInterval })
    }).pipe(Layer.provide(options.storeFileSystem ?? NodeFileSystem.layer))
    const { decorateStore } = options
    const ports = Layer.mergeAll(
      GitHubHttp.layerNode({ baseUrl: github.url, retryBaseDelay: "20 millis" }),
      decorateStore === undefined ? fileStore : Layer.effect(PatStore, Effect.map(PatStore, decorateStore)).pipe(Layer.provideMerge(fileStore)),
      StaticMetagraph.layer(neurons)
    )
    const context = yield* Layer.build(Layer.merge(ports, options.extra ?? Layer.empty))
    const metagraph = yield* Effect.provide(StaticMetagraph, context)
    const { extra: _, stakes: __, storeFileSystem: ___, storeWatchInterval: ____, logLevel, decorateStore: _____, ...validatorOptions } =
      options
    const validatorScope = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
    const validator = yield* startValidator({ keypair: validatorKey, rateLimit: 0, ...validatorOptions }).pipe(
      Effect.provide(context),
      Effect.provide(capture),
      Effect.provide(Logger.minimumLogLevel(logLevel ?? LogLevel.Info)),
      Scope.extend(validatorScope)
    )
    const stop = Scope.close(validatorScope, Exit.void)
    const world: World = { validator, validatorKey, miners, stranger, github, storePath, metagraph, neurons, logs, stop }
    return world
  })

/** Calls the validator as a Python dendrite would (signed, over HTTP). */
export const call = <N extends SynapseName>(
  world: World,
  synapse: N,
  miner: Keypair,
  fields: SynapseFields[N],
  options: { readonly timeoutSeconds?: number; readonly uuid?: string } = {}
) =>
  callAxon({
    keypair: miner,
    target: { ip: "127.0.0.1", port: world.validator.port, hotkey: world.validator.hotkey },
    synapse,
    fields,
    ...options
  }).pipe(Effect.provide(NodeHttpClient.layerUndici))

/** The broadcast fields for `token`. */
export const tokenFields = (token: string): SynapseFields["PatBroadcastSynapse"] => ({
  github_access_token: Redacted.make(token)
})

/** What a raw request got back. */
export interface RawAnswer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: unknown
}

/** A POST over real HTTP with exactly these headers and body. */
export const post = (world: World, path: string, headers: Record<string, string>, body: string | Uint8Array) =>
  Effect.promise(async (): Promise<RawAnswer> => {
    const response = await fetch(`${world.validator.url}${path}`, { method: "POST", headers, body })
    const text = await response.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  })

let nonceCounter = 0n

/** A fresh nonce: now in ns, strictly increasing across calls. */
export const freshNonce = (): bigint => {
  const now = BigInt(Date.now()) * 1_000_000n + nonceCounter++
  return now
}

/** Signed request headers as a Python dendrite sends them, with any part overridden. */
export const signedHeaders = (
  world: World,
  miner: Keypair,
  synapse: SynapseName,
  overrides: {
    readonly nonce?: bigint
    readonly uuid?: string
    readonly axonHotkey?: string
    readonly bodyHash?: string
    readonly timeout?: number
  } = {}
): Record<string, string> => {
  const nonce = overrides.nonce ?? freshNonce()
  const uuid = overrides.uuid ?? "00000000-0000-4000-8000-000000000001"
  const axonHotkey = overrides.axonHotkey ?? world.validator.hotkey
  const bodyHash = overrides.bodyHash ?? EMPTY_BODY_HASH
  const signature = signRequest(miner, { nonce, axonHotkey, uuid, bodyHash })
  return {
    "content-type": "application/json",
    ...requestHeaders({
      name: synapse,
      timeout: overrides.timeout ?? 12,
      dendrite: { ip: "127.0.0.1", version: 10_002_000, nonce, uuid, hotkey: miner.address, signature },
      axon: { ip: "127.0.0.1", port: world.validator.port, hotkey: axonHotkey },
      bodyHash
    })
  }
}

/** A minimal valid body for `synapse`. */
export const body = (synapse: SynapseName, token = "ghp_test_token_0000"): string =>
  JSON.stringify(synapse === "PatBroadcastSynapse" ? { name: synapse, timeout: 12, github_access_token: token } : { name: synapse, timeout: 12 })

/** The hotkey type of a keypair's address. */
export const hotkeyOf = (key: Keypair): Hotkey => key.address as Hotkey

/** An entry of the store file as the Python validator writes it. */
export interface StoredRow {
  readonly uid: number
  readonly hotkey: string
  readonly pat: string
  readonly github_id: string
  readonly stored_at?: string
}

/** Writes the store file directly, as the Python validator would. */
export const seedStore = (world: World, rows: ReadonlyArray<StoredRow>): void =>
  writeFileSync(
    world.storePath,
    JSON.stringify(rows.map((row) => ({ stored_at: "2026-01-01T00:00:00+00:00", ...row })), null, 2),
    { mode: 0o600 }
  )

/** The store file's rows (empty when there is no file yet). */
export const readStore = (world: World): ReadonlyArray<StoredRow> => {
  try {
    return JSON.parse(readFileSync(world.storePath, "utf8")) as ReadonlyArray<StoredRow>
  } catch {
    return []
  }
}
