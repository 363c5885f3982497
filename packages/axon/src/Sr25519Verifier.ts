import { Config, type ConfigError, Context, Duration, Effect, Layer, type Scope } from "effect"
import { VerifierError } from "./errors.js"
import type { SignedRequest } from "./signature.js"
import { openVerifierPool, type VerifierPoolOptions } from "./VerifierPool.js"

/**
 * Request signatures checked off the main thread: `verifyRequest`'s answer, computed on a
 * pool of worker threads (see `VerifierPool`). Only the signed fields and the signature
 * cross to a worker.
 */
export class Sr25519Verifier extends Context.Tag("@gittensor-pat/axon/Sr25519Verifier")<
  Sr25519Verifier,
  {
    /**
     * Whether the request's signature is the dendrite hotkey's, as `verifyRequest` says; a
     * `timeout` failure when the pool has not answered within `patience` (a thread that is
     * alive but stuck). The wait is one timer, not a race of fibers: this is on every
     * request's path (bench/README.md, "Measured design choices").
     */
    readonly verify: (request: SignedRequest, patience: Duration.Duration) => Effect.Effect<boolean, VerifierError>
    /** The same as a promise (rejecting with a `VerifierError`), for paths that avoid a fiber. */
    readonly verifyAsync: (request: SignedRequest) => Promise<boolean>
  }
>() {
  /** Starts the pool's threads, ready when each has loaded the WASM; the scope's close stops them. */
  static readonly make = (
    options: VerifierPoolOptions = {}
  ): Effect.Effect<Sr25519Verifier["Type"], VerifierError, Scope.Scope> =>
    Effect.map(
      Effect.acquireRelease(
        Effect.tryPromise({
          try: () => openVerifierPool(options),
          catch: (error) =>
            error instanceof VerifierError ? error : new VerifierError({ reason: "start-failed", detail: String(error) })
        }),
        (pool) => Effect.promise(pool.close)
      ),
      (pool) =>
        Sr25519Verifier.of({
          verify: (request, patience) =>
            Effect.async<boolean, VerifierError>((resume) => {
              const millis = Duration.toMillis(patience)
              const timer = setTimeout(
                () => resume(Effect.fail(new VerifierError({ reason: "timeout", detail: `no answer within ${millis} ms` }))),
                millis
              )
              // Whichever comes second, the answer or the timer, resumes nothing: the fiber takes the first.
              pool.submit(request, (outcome) => {
                clearTimeout(timer)
                resume(typeof outcome === "boolean" ? Effect.succeed(outcome) : Effect.fail(outcome))
              })
              return Effect.sync(() => clearTimeout(timer))
            }),
          verifyAsync: pool.verify
        })
    )

  /** The pool as a scoped layer: its threads end when the layer's scope closes. */
  static readonly layer = (options: VerifierPoolOptions = {}): Layer.Layer<Sr25519Verifier, VerifierError> =>
    Layer.scoped(Sr25519Verifier, Sr25519Verifier.make(options))

  /** The pool with its size and bound read from `Config`. */
  static readonly layerConfig = (
    config: Config.Config.Wrap<Omit<VerifierPoolOptions, "workerUrl">>
  ): Layer.Layer<Sr25519Verifier, VerifierError | ConfigError.ConfigError> =>
    Layer.scoped(Sr25519Verifier, Effect.flatMap(Config.unwrap(config), Sr25519Verifier.make))
}
