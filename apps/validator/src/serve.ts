import { NodeFileSystem } from "@effect/platform-node"
import { MetagraphSnapshot, Sr25519Verifier } from "@gittensor-pat/axon"
import { GitHubHttp } from "@gittensor-pat/http-adapter"
import { JsonFilePatStore } from "@gittensor-pat/storage-adapter"
import { Context, Effect, Layer, Logger, LogLevel } from "effect"
import { loadHotkey } from "./hotkey.js"
import * as RequestLog from "./requestLog.js"
import type { ServeSettings } from "./settings.js"
import { startValidator } from "./Validator.js"

const developmentNotice = (settings: ServeSettings, hotkey: string) =>
  Effect.logWarning(
    "DEVELOPMENT MODE: no metagraph was given, so this validator uses the publicly known dev hotkey and examples/metagraph.json. Never expose it. To run for real: pnpm validator serve --metagraph FILE --wallet.name NAME --wallet.hotkey HOTKEY [--pats-file FILE] (see apps/validator/README.md)."
  ).pipe(Effect.annotateLogs({ hotkey, metagraph: settings.metagraphPath, pats_file: settings.patsFile }))

/** Where a validator's ports point. */
export type PortSettings = Pick<ServeSettings, "githubApiUrl" | "patsFile" | "metagraphPath">

/**
 * The ports of a real validator whose hotkey is `hotkey`: GitHub over HTTP, the JSON store
 * (created empty if missing), the metagraph snapshot file (reloaded when it changes, with
 * its status for `/healthz`; a snapshot that does not list `hotkey` is refused).
 */
export const validatorPorts = (settings: PortSettings, hotkey: string) =>
  Layer.mergeAll(
    GitHubHttp.layerNode({ baseUrl: settings.githubApiUrl }),
    Layer.unwrapEffect(
      Effect.as(JsonFilePatStore.ensure(settings.patsFile), JsonFilePatStore.layerNode({ path: settings.patsFile }))
    ),
    MetagraphSnapshot.layer({ path: settings.metagraphPath, ownHotkey: hotkey })
  ).pipe(Layer.provide(NodeFileSystem.layer))

/**
 * `validator serve`: loads the hotkey, composes the ports, serves until interrupted
 * (SIGINT/SIGTERM), then drains gracefully.
 */
export const serve = (settings: ServeSettings) =>
  Effect.gen(function* () {
    const keypair = yield* loadHotkey(settings).pipe(Effect.provide(NodeFileSystem.layer))
    if (settings.development) yield* developmentNotice(settings, keypair.address)
    // Built before the server, so released after it: the last request lines are written.
    const ports = yield* Layer.build(Layer.merge(validatorPorts(settings, keypair.address), RequestLog.layerStdout))
    // Without its threads the validator still serves, verifying on the main thread.
    const verifier: Context.Context<never> = yield* Layer.build(Sr25519Verifier.layer()).pipe(
      Effect.catchAll((error) =>
        Effect.as(
          Effect.logWarning("signature verification runs on the main thread").pipe(Effect.annotateLogs({ error: error.message })),
          Context.empty()
        )
      )
    )
    const running = yield* startValidator({
      keypair,
      host: settings.host,
      port: settings.port,
      maxConcurrency: settings.maxConcurrency,
      rateLimit: settings.rateLimit
    }).pipe(Effect.provide(ports), Effect.provide(verifier))
    yield* Effect.logInfo("serving").pipe(
      Effect.annotateLogs({
        url: running.url,
        hotkey: running.hotkey,
        mode: settings.development ? "development" : "production",
        metagraph: settings.metagraphPath,
        pats_file: settings.patsFile,
        github_api_url: settings.githubApiUrl
      })
    )
    return yield* Effect.never
  }).pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.fromLiteral(settings.logLevel)))
