import { Options } from "@effect/cli"
import { type SubtensorNetwork, SubtensorNetworks } from "@gittensor-pat/subtensor-adapter/networks"
import type { Option } from "effect"

/** Gittensor's subnet. */
export const defaultNetuid = 74

/** Where the metagraph is read from the chain (CONTRACT §9), as the Bittensor SDK names the flags. */
export const chainOptions = {
  network: Options.choice("subtensor.network", SubtensorNetworks).pipe(
    Options.optional,
    Options.withDescription(
      "Read the metagraph from this network's public entrypoint (finney when neither this nor --subtensor.chain_endpoint is given). With --subtensor.chain_endpoint: the network that node must be on (its genesis hash is checked)."
    )
  ),
  chainEndpoint: Options.text("subtensor.chain_endpoint").pipe(
    Options.optional,
    Options.withDescription("Read the metagraph from this subtensor node, ws://HOST:PORT or wss://HOST:PORT.")
  ),
  netuid: Options.integer("netuid").pipe(
    Options.withDefault(defaultNetuid),
    Options.withDescription("The subnet to read from the chain.")
  )
}

/** The parsed chain flags. */
export interface ChainOptions {
  readonly network: Option.Option<SubtensorNetwork>
  readonly chainEndpoint: Option.Option<string>
  readonly netuid: number
}
