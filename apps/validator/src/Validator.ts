import type { HttpServerError } from "@effect/platform"
import { NodeFileSystem } from "@effect/platform-node"
import { type Keypair, NonceWindow, type NonceWindowOptions, Sr25519Verifier } from "@gittensor-pat/axon"
import type { GitHub, Metagraph, PatStore } from "@gittensor-pat/core"
import { GitHubHttp } from "@gittensor-pat/http-adapter"
import { JsonFilePatStore } from "@gittensor-pat/storage-adapter"
import { Context, type Duration, Effect, Layer } from "effect"
import { loadHotkey } from "./cli/hotkey.js"
import type { ServeSettings } from "./cli/settings.js"
import * as RateLimiter from "./http/RateLimiter.js"
import { describeMetagraph, metagraphLayer } from "./metagraph.js"
import { type ServerAddress, serve } from "./http/Server.js"
import * as Drain from "./ops/Drain.js"
import * as Metrics from "./ops/Metrics.js"
import * as ObservedGitHub from "./ops/ObservedGitHub.js"
import * as Overload from "./overload/Overload.js"

/** How a validator serves. */
export interface ValidatorOptions {
  /** The validator's hotkey: dendrites sign for it, and it is the `axon.hotkey` of answers. */
  readonly keypair: Keypair
  /** Default 127.0.0.1. */
  readonly host?: string
  /** Default 0: a free port, read back from the `Validator` service. */
  readonly port?: number
  /** Pipelines at once (default 2048). */
  readonly maxConcurrency?: number
  /** Requests per minute per hotkey (default 30; 0 = off). */
  readonly rateLimit?: number
  /**
   * How long shutdown waits for requests in flight (default 10 s); GitHub calls still running
   * near its end are cut short as transient, so those requests get their answer within it.
   * Store writes are always awaited.
   */
  readonly shutdownGrace?: Duration.DurationInput
  /** How the replay window is sized (default: `NonceWindow`'s). */
  readonly nonceWindow?: NonceWindowOptions
}

/** The ports a validator is composed from. */
export type ValidatorPorts = GitHub | PatStore | Metagraph

/** A validator that is serving: where, and as whom. It drains and stops when its layer is released. */
export class Validator extends Context.Tag("@gittensor-pat/validator/Validator")<Validator, ServerAddress>() {}

// Metrics, the drain, and the GitHub and store ports observed for both.
const ops = Layer.mergeAll(ObservedGitHub.layer, Drain.trackWrites).pipe(Layer.provideMerge(Layer.merge(Metrics.layer, Drain.layer)))

/**
 * The validator over the ports in context: its server (synapse and ops routes), ops
 * (metrics, drain, observed GitHub) and overload gates. Signatures are verified on an
 * `Sr25519Verifier`'s threads if the context holds one, else on the main thread.
 */
export const layer = (options: ValidatorOptions): Layer.Layer<Validator, HttpServerError.ServeError, ValidatorPorts> => {
  const rateLimit = options.rateLimit ?? 30
  const own = Layer.mergeAll(
    NonceWindow.layerMetagraph(options.nonceWindow),
    RateLimiter.layer({ perMinute: rateLimit }),
    Overload.layer({ maxConcurrency: options.maxConcurrency ?? 2048 })
  )
  return Layer.scoped(Validator, serve({ ...options, rateLimit })).pipe(Layer.provide(own), Layer.provide(ops))
}

const developmentNotice = (settings: ServeSettings, hotkey: string) =>
  Effect.logWarning(
    "DEVELOPMENT MODE: no metagraph was given, so this validator uses the publicly known dev hotkey and examples/metagraph.json. Never expose it. To run for real: pnpm validator serve --subtensor.network finney (or --metagraph FILE) --wallet.name NAME --wallet.hotkey HOTKEY [--pats-file FILE] (see docs/validator.md)."
  ).pipe(Effect.annotateLogs({ hotkey, metagraph: describeMetagraph(settings.metagraph), pats_file: settings.patsFile }))

/**
 * The ports of a real validator whose hotkey is `hotkey`: GitHub over HTTP, the JSON store
 * (created empty if missing), the metagraph the settings name (see `metagraphLayer`; a
 * snapshot that does not list `hotkey` is refused).
 */
const ports = (settings: ServeSettings, hotkey: string) =>
  Layer.mergeAll(
    GitHubHttp.layerNode({ baseUrl: settings.githubApiUrl }),
    Layer.unwrapEffect(
      Effect.as(JsonFilePatStore.ensure(settings.patsFile), JsonFilePatStore.layerNode({ path: settings.patsFile }))
    ),
    metagraphLayer(settings.metagraph, hotkey)
  ).pipe(Layer.provide(NodeFileSystem.layer))

// Without its threads the validator still serves, verifying on the main thread.
const verifierThreads = Layer.catchAll(Sr25519Verifier.layer(), (error) =>
  Layer.effectDiscard(
    Effect.logWarning("signature verification runs on the main thread").pipe(Effect.annotateLogs({ error: error.message }))
  )
)

/**
 * `validator serve` as one layer: the hotkey from its wallet, the ports the settings name,
 * the verifier threads, and the validator over them, until the layer is released
 * (SIGINT/SIGTERM), when it drains. It logs through the logger in context (`main.ts`
 * provides the one of the settings' format and level).
 */
export const ValidatorLive = (settings: ServeSettings) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const keypair = yield* loadHotkey(settings).pipe(Effect.provide(NodeFileSystem.layer))
      if (settings.development) yield* developmentNotice(settings, keypair.address)
      const validator = layer({
        keypair,
        host: settings.host,
        port: settings.port,
        maxConcurrency: settings.maxConcurrency,
        rateLimit: settings.rateLimit
      })
      const announce = Layer.effectDiscard(
        Effect.flatMap(Validator, (running) =>
          Effect.logInfo("serving").pipe(
            Effect.annotateLogs({
              url: running.url,
              hotkey: running.hotkey,
              mode: settings.development ? "development" : "production",
              metagraph: describeMetagraph(settings.metagraph),
              pats_file: settings.patsFile,
              github_api_url: settings.githubApiUrl
            })
          )
        )
      )
      return announce.pipe(
        Layer.provide(validator),
        Layer.provide(Layer.mergeAll(ports(settings, keypair.address), verifierThreads))
      )
    })
  )
