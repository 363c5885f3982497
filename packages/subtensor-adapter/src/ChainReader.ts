import { Worker, type WorkerError } from "@effect/platform"
import { NodeWorker } from "@effect/platform-node"
import { startWorkerThread, workerEntry } from "@gittensor-pat/worker-threads"
import { Context, Duration, Effect, Layer, type ParseResult, Schema } from "effect"
import type { SubtensorError } from "./errors.js"
import { type ChainReadOptions, type ChainSnapshot, readChainMetagraph } from "./readChainMetagraph.js"
import { type ReadChain, readChainRequest } from "./readChainRequest.js"
import { makeRuntimeCache } from "./runtimeCache.js"

/** What one read asks for (the reader keeps the runtime cache itself). */
export type ChainRead = Omit<ChainReadOptions, "runtimes">

/** The thread reading the chain stopped or could not start; the next read starts a new one. */
export class ChainReaderFailed extends Schema.TaggedError<ChainReaderFailed>()("ChainReaderFailed", {
  detail: Schema.String
}) {
  override get message(): string {
    return `The thread that reads the chain failed: ${this.detail}`
  }
}

/**
 * Repeated chain reads, each as `readChainMetagraph` makes it, with the runtime's decoded
 * types kept between reads (see `RuntimeCache`): a read of an unchanged runtime then
 * fetches and decodes only the subnet's two answers.
 */
export class ChainReader extends Context.Tag("@gittensor-pat/subtensor-adapter/ChainReader")<
  ChainReader,
  { readonly read: (options: ChainRead) => Effect.Effect<ChainSnapshot, SubtensorError | ChainReaderFailed> }
>() {
  /** Reads on the calling thread: each read blocks it while its answers decode (see `layerWorker`). */
  static readonly layerHere: Layer.Layer<ChainReader> = Layer.effect(
    ChainReader,
    Effect.map(makeRuntimeCache, (runtimes) => ChainReader.of({ read: (options) => readChainMetagraph({ ...options, runtimes }) }))
  )

  /**
   * Reads on a worker thread of the context's `Spawner` (running `chainReadWorker`), so that
   * decoding (about 0.2 s of CPU per read of a 1,024-neuron subnet, 0.5 to 0.9 s for the
   * first, which decodes the metadata; ~100 ms of it at once) never holds up the calling
   * thread; only the finished snapshot crosses back.
   * The thread lives as long as the layer; if it dies, the read in flight fails and the
   * next one starts another. Fails to build when the thread does not start within
   * `startTimeout` (default 60 s).
   */
  static readonly layerWorker = (
    options: { readonly startTimeout?: Duration.DurationInput } = {}
  ): Layer.Layer<ChainReader, ChainReaderFailed, Worker.WorkerManager | Worker.Spawner> =>
    Layer.scoped(
      ChainReader,
      Effect.gen(function* () {
        const limit = options.startTimeout ?? Duration.seconds(60)
        const worker = yield* Worker.makeSerialized<ReadChain>({}).pipe(
          Effect.mapError(threadFailed),
          Effect.timeoutFail({
            duration: limit,
            onTimeout: () => new ChainReaderFailed({ detail: `it did not start within ${Duration.format(limit)}` })
          })
        )
        return ChainReader.of({
          read: (options) =>
            worker.executeEffect(readChainRequest(options)).pipe(
              Effect.catchTags({
                WorkerError: (error) => Effect.fail(threadFailed(error)),
                ParseError: (error) => Effect.fail(threadFailed(error))
              })
            )
        })
      })
    )

  /** `layerWorker` on a Node worker thread started from this package's `chainReadWorker`. */
  static readonly layerNodeWorker = (
    options: { readonly startTimeout?: Duration.DurationInput } = {}
  ): Layer.Layer<ChainReader, ChainReaderFailed> =>
    ChainReader.layerWorker(options).pipe(
      Layer.provide(NodeWorker.layer(() => startWorkerThread(workerEntry(import.meta.url, "./chainReadWorker.ts", ".chain-read-worker.mjs"))))
    )
}

const threadFailed = (error: WorkerError.WorkerError | ParseResult.ParseError) =>
  new ChainReaderFailed({ detail: error._tag === "WorkerError" ? `${error.reason}: ${String(error.cause)}` : error.message })

