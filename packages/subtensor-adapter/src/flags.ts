import { Options } from "@effect/cli"
import { Either, Option } from "effect"
import { type ChainTarget, chainTarget, type SubtensorNetwork, SubtensorNetworks } from "./networks.js"

/** Gittensor's subnet. */
export const defaultNetuid = 74

/** The parsed chain flags. */
export interface ChainFlags {
  readonly network: Option.Option<SubtensorNetwork>
  readonly chainEndpoint: Option.Option<string>
  readonly netuid: number
}

/**
 * Where the metagraph is read from the chain (docs/metagraph.md, "Reading the chain instead"), as the Bittensor SDK names the
 * flags. `whenNone` says, for `--help`, what the program does when neither a network nor an
 * endpoint is given.
 */
export const chainFlags = (whenNone: string) => ({
  network: Options.choice("subtensor.network", SubtensorNetworks).pipe(
    Options.optional,
    Options.withDescription(
      `Read the metagraph from this network's public entrypoint (${whenNone}). With --subtensor.chain_endpoint: the network that node must be on (its genesis hash is checked).`
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
})

/** Whether the flags name a network or an endpoint. */
export const chainNamed = (flags: ChainFlags): boolean => Option.isSome(flags.network) || Option.isSome(flags.chainEndpoint)

/**
 * What the flags ask to read (`fallback`'s entrypoint when they name no network and no
 * endpoint), or what is wrong with them, in words for the person who typed them.
 */
export const chainRead = (
  flags: ChainFlags,
  fallback?: SubtensorNetwork
): Either.Either<{ readonly target: ChainTarget; readonly netuid: number }, string> => {
  const { netuid } = flags
  if (!Number.isInteger(netuid) || netuid < 0 || netuid > 0xffff) {
    return Either.left(`--netuid must be a subnet number from 0 to 65535 (got ${netuid}).`)
  }
  return Either.map(
    Either.mapLeft(chainTarget(flags.network, flags.chainEndpoint, fallback), (reason) => `--subtensor.chain_endpoint: ${reason}.`),
    (target) => ({ target, netuid })
  )
}
