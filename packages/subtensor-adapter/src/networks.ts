import { Either, Option } from "effect"

/** The networks `--subtensor.network` names, as the Bittensor SDK names them. */
export const SubtensorNetworks = ["finney", "test", "local"] as const
export type SubtensorNetwork = (typeof SubtensorNetworks)[number]

/** The network the miner reads when told nothing else (the SDK's default too). */
export const defaultNetwork: SubtensorNetwork = "finney"

interface NetworkFacts {
  /** The SDK's entrypoint for the network (bittensor/core/settings.py). */
  readonly endpoint: string
  /** Block 0's hash, to refuse a node of another chain; none for a local chain, whose genesis is its own. */
  readonly genesisHash: Option.Option<string>
}

/** Each network's public entrypoint and genesis hash. */
export const networkFacts: Readonly<Record<SubtensorNetwork, NetworkFacts>> = {
  finney: {
    endpoint: "wss://entrypoint-finney.opentensor.ai:443",
    // The "bittensor" entry of @polkadot/networks' known genesis hashes.
    genesisHash: Option.some("0x2f0555cc76fc2840a25a6ea3b9637146806f1f44b090c175ffde2a7e5ab36c03")
  },
  test: {
    endpoint: "wss://test.finney.opentensor.ai:443",
    genesisHash: Option.some("0x8f9cf856bf558a14440e75569c9e58594757048d7b3a84b5d25f6bd978263105")
  },
  local: { endpoint: "ws://127.0.0.1:9944", genesisHash: Option.none() }
}

/** Where to read the chain, and which network's genesis the node there must have. */
export interface ChainTarget {
  readonly endpoint: string
  /** Set when a network was named: its genesis hash is then checked. */
  readonly network: Option.Option<SubtensorNetwork>
}

/** How a target is named in messages: the network, and the endpoint when it is not the network's own. */
export const describeTarget = (target: ChainTarget): string =>
  Option.match(target.network, {
    onNone: () => target.endpoint,
    onSome: (network) =>
      networkFacts[network].endpoint === target.endpoint ? network : `${network} at ${target.endpoint}`
  })

const wsUrl = /^wss?:\/\/[^/\s]+/

/**
 * The target for `--subtensor.network` and `--subtensor.chain_endpoint`, as the SDK reads
 * them: the endpoint wins, and a network named beside it is the chain that endpoint must
 * serve. With neither, `fallback`. Fails with the reason when the endpoint is no ws(s) URL.
 */
export const chainTarget = (
  network: Option.Option<SubtensorNetwork>,
  endpoint: Option.Option<string>,
  fallback: SubtensorNetwork = defaultNetwork
): Either.Either<ChainTarget, string> =>
  Option.match(endpoint, {
    onNone: () => {
      const named = Option.getOrElse(network, () => fallback)
      return Either.right({ endpoint: networkFacts[named].endpoint, network: Option.some(named) })
    },
    onSome: (url) =>
      wsUrl.test(url) && URL.canParse(url)
        ? Either.right({ endpoint: url, network })
        : Either.left(`the chain endpoint must be a ws://HOST:PORT or wss://HOST:PORT URL (got ${JSON.stringify(url)})`)
  })
