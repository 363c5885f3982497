import { NodeFileSystem } from "@effect/platform-node"
import { MetagraphSnapshot, type MetagraphSource, ReloadingMetagraph, snapshotFileSource } from "@gittensor-pat/axon"
import { ChainReader, type ChainReaderFailed, describeTarget, type SubtensorError } from "@gittensor-pat/subtensor-adapter"
import { Duration, Effect, Layer, Option } from "effect"
import { MetagraphSettings } from "./cli/settings.js"

type ChainSettings = Extract<MetagraphSettings, { readonly _tag: "Chain" }>

/** How the metagraph's source is named in logs: the file, or the subnet and chain with its refresh and fallback. */
export const describeMetagraph = MetagraphSettings.$match({
  File: ({ path }) => path,
  Chain: ({ target, netuid, refresh, fallback }) =>
    `subnet ${netuid} on ${describeTarget(target)}, read every ${Duration.format(refresh)}${Option.match(fallback, {
      onNone: () => "",
      onSome: (file) => `, falling back to ${file}`
    })}`
})

/** The chain as a metagraph source: subnet `netuid` read through the `ChainReader` every `refresh`. */
const chainSource = (
  reader: ChainReader["Type"],
  { target, netuid, refresh }: ChainSettings
): MetagraphSource<SubtensorError | ChainReaderFailed, never> => ({
  label: `Subnet ${netuid} on ${describeTarget(target)}`,
  read: Effect.map(reader.read({ target, netuid }), ({ netuid, block, neurons }) => ({ netuid, block, neurons })),
  every: refresh,
  whenNotListed: `register it on subnet ${netuid} (btcli subnet register --netuid ${netuid}), or name the subnet and network it is registered on (--netuid, --subtensor.network), or start with a registered hotkey (--wallet.name, --wallet.hotkey)`
})

// Without its thread the chain is still read, on the main thread: each read then holds up
// requests while it decodes (see ChainReader.layerWorker).
const readerThread = Layer.catchAll(ChainReader.layerNodeWorker(), (error) =>
  Layer.merge(
    ChainReader.layerHere,
    Layer.effectDiscard(
      Effect.logWarning("the chain is read on the main thread").pipe(Effect.annotateLogs({ error: error.message }))
    )
  )
)

const chainMetagraph = (chain: ChainSettings, ownHotkey: string) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const source = chainSource(yield* ChainReader, chain)
      const fallback = yield* Option.match(chain.fallback, {
        onNone: () => Effect.succeedNone,
        onSome: (path) => Effect.asSome(snapshotFileSource(path))
      })
      return ReloadingMetagraph.layer({
        source,
        ...Option.match(fallback, { onNone: () => ({}), onSome: (fallback) => ({ fallback }) }),
        ownHotkey,
        netuid: chain.netuid
      })
    })
  ).pipe(Layer.provide(Layer.merge(readerThread, NodeFileSystem.layer)))

/**
 * The `Metagraph` (and its `MetagraphStatus`) the settings name, every snapshot required to
 * list `ownHotkey`: the snapshot file, reloaded when it changes; or the chain, read now and
 * every refresh on its own thread, with the fallback file served when a read fails and it
 * is newer than what is served. Fails to build when no snapshot can be served at start.
 */
export const metagraphLayer = (metagraph: MetagraphSettings, ownHotkey: string) =>
  MetagraphSettings.$match(metagraph, {
    File: ({ path }) => MetagraphSnapshot.layer({ path, ownHotkey }).pipe(Layer.provide(NodeFileSystem.layer)),
    Chain: (chain) => chainMetagraph(chain, ownHotkey)
  })
