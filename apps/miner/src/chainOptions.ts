import { type ChainFlags, chainFlags } from "@gittensor-pat/subtensor-adapter/flags"

/** Where the metagraph is read from the chain (docs/metagraph.md, "Reading the chain instead"), as the Bittensor SDK names the flags. */
export const chainOptions = chainFlags("finney when neither this nor --subtensor.chain_endpoint is given")

/** The parsed chain flags. */
export type ChainOptions = ChainFlags
