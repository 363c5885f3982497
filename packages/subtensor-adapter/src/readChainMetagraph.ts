import { Neuron } from "@gittensor-pat/core"
import { Duration, Effect, Either, Option, ParseResult, Schema } from "effect"
import { SubnetNotFound, UndecodableChainData, WrongNetwork } from "./errors.js"
import { type ChainTarget, describeTarget, networkFacts } from "./networks.js"
import { type ChainRpc, connectRpc } from "./rpc.js"
import { loadRuntime, metadataAtVersion15, type RuntimeCall, runtimeCall, runtimeCallLeading } from "./runtime.js"
import { cachedRuntime, type RuntimeCache } from "./runtimeCache.js"
import { joinAnswers, liteNeurons, neuronsLiteShape, subnetStake, subnetStateShape } from "./subnetAnswers.js"

/** What to read, from where. */
export interface ChainReadOptions {
  readonly target: ChainTarget
  readonly netuid: number
  /** How long each step (connecting, every call) may take. Default 30 seconds. */
  readonly timeout?: Duration.DurationInput
  /**
   * Where the runtime's decoded types are kept between reads (see `RuntimeCache`). Without
   * one, every read fetches and decodes the metadata.
   */
  readonly runtimes?: RuntimeCache
}

/**
 * A subnet's metagraph read from the chain at one block. It has the shape of a metagraph
 * snapshot file (docs/metagraph.md, "The snapshot file": `netuid`, `block`, `neurons` by uid, `neurons[uid].uid === uid`),
 * plus where it came from.
 */
export const ChainSnapshot = Schema.Struct({
  netuid: Schema.Int,
  block: Schema.Int,
  blockHash: Schema.String,
  specVersion: Schema.Int,
  neurons: Schema.Array(Neuron)
})

/** A subnet's metagraph read from the chain at one block (see the schema). */
export interface ChainSnapshot extends Schema.Schema.Type<typeof ChainSnapshot> {}

const BlockHash = Schema.String.pipe(Schema.pattern(/^0x[0-9a-fA-F]{64}$/))
const Header = Schema.Struct({ number: Schema.String.pipe(Schema.pattern(/^0x[0-9a-fA-F]{1,16}$/)) })
const RuntimeVersion = Schema.Struct({ specName: Schema.String, specVersion: Schema.Int })

const answer =
  <A, I>(schema: Schema.Schema<A, I>) =>
  (rpc: ChainRpc, method: string, params: ReadonlyArray<unknown>) =>
    Effect.flatMap(rpc.call(method, params), (result) =>
      Effect.mapError(
        Schema.decodeUnknown(schema)(result),
        (error) =>
          new UndecodableChainData({
            what: method,
            detail: ParseResult.TreeFormatter.formatErrorSync(error).replace(/\s+/g, " ")
          })
      )
    )

const blockHash = answer(BlockHash)

const expectedGenesis = (target: ChainTarget) =>
  Option.flatMap(target.network, (network) =>
    Option.map(networkFacts[network].genesisHash, (expected) => ({ network, expected }))
  )

const checkGenesis = (rpc: ChainRpc, target: ChainTarget, actual: Option.Option<string>) =>
  Option.match(Option.zipWith(expectedGenesis(target), actual, (facts, actual) => ({ ...facts, actual })), {
    onNone: () => Effect.void,
    onSome: ({ network, expected, actual }) =>
      actual.toLowerCase() === expected
        ? Effect.void
        : Effect.fail(new WrongNetwork({ network, endpoint: rpc.endpoint, expected, actual }))
  })

const callAt = <A>(rpc: ChainRpc, call: RuntimeCall<A>, args: ReadonlyArray<number>, at: string) =>
  Effect.flatMap(rpc.call("state_call", [call.name, call.encode(args), at]), call.decode)

// The shapes were checked against the metadata, so reading the decoded values cannot fail
// unless the decoder disagrees with the metadata: that is bad chain data too.
const readDecoded = <A>(what: string, read: () => A) =>
  Either.try({
    try: read,
    catch: (error) => new UndecodableChainData({ what, detail: error instanceof Error ? error.message : String(error) })
  })

/**
 * Reads subnet `netuid`'s metagraph from the chain, every answer at one block (the node's
 * head when the read starts), decoded with the types of that block's own runtime (its
 * metadata V15). A connection is opened for this read and closed after it, so a runtime
 * upgrade between reads is always seen. When the target names a network, the node's
 * genesis hash must be that network's.
 */
export const readChainMetagraph = Effect.fn("Subtensor.readChainMetagraph")(
  function* (options: ChainReadOptions) {
    const { netuid, target } = options
    if (!Number.isInteger(netuid) || netuid < 0 || netuid > 0xffff) {
      return yield* Effect.dieMessage(`netuid must be a u16, got ${netuid}: callers check it`)
    }
    const rpc = yield* connectRpc(target.endpoint, options.timeout ?? Duration.seconds(30))
    // Read once for whichever needs it: the named network's check, or the runtime cache's key.
    const genesis =
      Option.isSome(expectedGenesis(target)) || options.runtimes !== undefined
        ? Option.some(yield* blockHash(rpc, "chain_getBlockHash", [0]))
        : Option.none()
    yield* checkGenesis(rpc, target, genesis)
    const hash = yield* blockHash(rpc, "chain_getHead", [])
    const header = yield* answer(Header)(rpc, "chain_getHeader", [hash])
    const block = Number.parseInt(header.number, 16)
    const { specName, specVersion } = yield* answer(RuntimeVersion)(rpc, "state_getRuntimeVersion", [hash])
    const fetchRuntime = Effect.flatMap(
      rpc.call("state_call", [metadataAtVersion15.method, metadataAtVersion15.args, hash]),
      (bytes) => loadRuntime(bytes, specVersion)
    )
    const runtime = yield* Option.match(Option.all([Option.fromNullable(options.runtimes), genesis]), {
      onNone: () => fetchRuntime,
      onSome: ([cache, genesis]) => cachedRuntime(cache, { genesis, specName, specVersion }, fetchRuntime)
    })
    const lite = yield* runtimeCall(runtime, "NeuronInfoRuntimeApi", "get_neurons_lite", 1, neuronsLiteShape)
    const state = yield* runtimeCallLeading(runtime, "SubnetInfoRuntimeApi", "get_subnet_state", 1, subnetStateShape)
    const [liteAnswer, stateAnswer] = yield* Effect.all(
      [callAt(rpc, lite, [netuid], hash), callAt(rpc, state, [netuid], hash)],
      { concurrency: 2 }
    )
    const neurons = yield* readDecoded(lite.name, () => liteNeurons(liteAnswer))
    if (Option.isNone(stateAnswer)) {
      return yield* new SubnetNotFound({ netuid, block, chain: describeTarget(target) })
    }
    const stake = yield* readDecoded(state.name, () => subnetStake(stateAnswer.value))
    return {
      netuid,
      block,
      blockHash: hash,
      specVersion,
      neurons: yield* joinAnswers(netuid, block, neurons, stake)
    } satisfies ChainSnapshot
  },
  Effect.scoped
)
