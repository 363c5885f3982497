import { type Keypair, readHotkey } from "@gittensor-pat/axon"
import { Effect, Option } from "effect"
import { BadUsage, HotkeyNotRegistered, NoEligibleValidators } from "./errors.js"
import { loadMetagraph } from "./metagraphSource.js"
import type { MinerOptions } from "./options.js"
import { type Selection, selectValidators } from "./selection.js"

/** Who the miner is and which validators it will call. */
export interface Preparation {
  readonly keypair: Keypair
  readonly selection: Selection
  readonly timeoutSeconds: number
}

const positiveTimeout = (options: MinerOptions, fallback: number) =>
  Option.match(options.timeout, {
    onNone: () => Effect.succeed(fallback),
    onSome: (seconds) =>
      Number.isFinite(seconds) && seconds > 0
        ? Effect.succeed(seconds)
        : Effect.fail(new BadUsage({ detail: `--timeout must be a positive number of seconds (got ${seconds}).` }))
  })

/**
 * Everything that can be settled on this machine before any network call: the flags,
 * the hotkey, the metagraph, the registration, and the validators to call.
 */
export const prepare = Effect.fn("miner.prepare")(function* (options: MinerOptions, defaultTimeoutSeconds: number) {
  const timeoutSeconds = yield* positiveTimeout(options, defaultTimeoutSeconds)
  const keypair = yield* readHotkey({
    path: options.walletPath,
    name: options.walletName,
    hotkey: options.walletHotkey
  })
  const metagraph = yield* loadMetagraph(options)
  if (!metagraph.neurons.some((neuron) => neuron.hotkey === keypair.address)) {
    return yield* new HotkeyNotRegistered({ hotkey: keypair.address, netuid: metagraph.netuid, metagraph: metagraph.source })
  }
  const policy = { minVtrust: options.minVtrust, minStake: options.minStake }
  const selection = selectValidators(metagraph.neurons, policy)
  if (selection.eligible.length === 0) {
    return yield* new NoEligibleValidators({ skipped: selection.skipped, ...policy })
  }
  return { keypair, selection, timeoutSeconds } satisfies Preparation
})
