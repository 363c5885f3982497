import type { MetagraphError, WalletError } from "@gittensor-pat/axon"
import type { SubtensorError } from "@gittensor-pat/subtensor-adapter"
import { Data, Match } from "effect"
import type { Skipped } from "./selection.js"

/** The miner's hotkey is not in the metagraph, so every validator would refuse it. */
export class HotkeyNotRegistered extends Data.TaggedError("HotkeyNotRegistered")<{
  readonly hotkey: string
  readonly netuid: number
  /** What the metagraph was read from: a snapshot file, or a subnet on a chain at a block. */
  readonly metagraph: string
}> {
  override get message(): string {
    return `Hotkey ${this.hotkey} is not registered in ${this.metagraph}. Register it on the subnet (\`btcli subnet register --netuid ${this.netuid}\`), refresh the snapshot if you read one, or choose the registered hotkey with --wallet.name/--wallet.hotkey.`
  }
}

/** Every validator was filtered out; `skipped` says why each one was. */
export class NoEligibleValidators extends Data.TaggedError("NoEligibleValidators")<{
  readonly skipped: ReadonlyArray<Skipped>
  readonly minVtrust: number
  readonly minStake: number
}> {
  override get message(): string {
    return `No validator has validator_trust > ${this.minVtrust}, stake ≥ ${this.minStake} and a serving axon (${this.skipped.length} neurons skipped). Lower --min-vtrust/--min-stake or refresh the metagraph snapshot.`
  }
}

/** GitHub answered conclusively that the token cannot be used, so nothing was sent. */
export class PatRejectedByGitHub extends Data.TaggedError("PatRejectedByGitHub")<{
  readonly reason: string
}> {
  override get message(): string {
    return `GitHub rejected this PAT: ${this.reason}. Nothing was sent to validators; create a working token (classic with no scope, or fine-grained with 'Public Repositories (read-only)') and post again.`
  }
}

/** GitHub could not be reached for the local check and the user did not choose to broadcast anyway. */
export class BroadcastNotConfirmed extends Data.TaggedError("BroadcastNotConfirmed")<{
  readonly interactive: boolean
}> {
  override get message(): string {
    return this.interactive
      ? "Nothing was sent. GitHub was unreachable for the local check; retry later, or pass --yes to broadcast without it."
      : "GitHub is unreachable, so the PAT could not be checked locally; nothing was sent. Retry later, or pass --yes to broadcast anyway."
  }
}

/** `--strict`: the token could change things on GitHub, so it was not sent. */
export class TokenCanWrite extends Data.TaggedError("TokenCanWrite")<{
  readonly scopes: ReadonlyArray<string>
  readonly advice: string
}> {
  override get message(): string {
    return `Nothing was sent (--strict): this token's scopes ${this.scopes.join(", ")} grant write or admin rights on GitHub. ${this.advice}`
  }
}

/** GitHub gave no conclusive answer here, so there is nothing to say about the token. */
export class GitHubUnreachable extends Data.TaggedError("GitHubUnreachable")<{}> {
  override get message(): string {
    return "GitHub is unreachable from here (outage, rate limit or network), so nothing can be said about the token yet and nothing was sent; retry in a few minutes."
  }
}

/** `--watch` was stopped by a second signal, in the middle of a round. */
export class StoppedAtOnce extends Data.TaggedError("StoppedAtOnce")<{}> {
  override get message(): string {
    return "Stopped at once by a second signal: the round in progress was cut short, and what it sent may not have been answered. Run `pnpm miner ensure` to see where things stand."
  }
}

/** No token from `--pat`, `GITTENSOR_MINER_PAT`, or a prompt (stdin is not a terminal). */
export class PatMissing extends Data.TaggedError("PatMissing")<{}> {
  override get message(): string {
    return "No PAT given: pass --pat TOKEN, set GITTENSOR_MINER_PAT, or run in a terminal to be asked for it."
  }
}

/** A flag value the parser accepted but the program cannot use. */
export class BadUsage extends Data.TaggedError("BadUsage")<{
  readonly detail: string
}> {
  override get message(): string {
    return this.detail
  }
}

/** The report is printed and no validator accepted / holds a valid PAT; it says what to do. */
export class Unsuccessful extends Data.TaggedError("Unsuccessful")<{}> {}

/** Every way a miner command can end short of success; the axon's and the chain's errors' messages say what to do. */
export type MinerError =
  | WalletError
  | MetagraphError
  | SubtensorError
  | HotkeyNotRegistered
  | NoEligibleValidators
  | PatRejectedByGitHub
  | BroadcastNotConfirmed
  | TokenCanWrite
  | GitHubUnreachable
  | StoppedAtOnce
  | PatMissing
  | BadUsage
  | Unsuccessful

/** The exit codes of docs/miner.md: 2 for bad usage, 1 for a failure the user can act on. */
export const exitCodeOf: (error: MinerError) => 1 | 2 = Match.typeTags<MinerError, 1 | 2>()({
  WalletError: () => 1,
  MetagraphError: () => 1,
  SubtensorUnreachable: () => 1,
  SubtensorRpcFailed: () => 1,
  UnsupportedRuntime: () => 1,
  SubnetNotFound: () => 1,
  InconsistentMetagraph: () => 1,
  WrongNetwork: () => 1,
  UndecodableChainData: () => 1,
  HotkeyNotRegistered: () => 1,
  NoEligibleValidators: () => 1,
  PatRejectedByGitHub: () => 1,
  BroadcastNotConfirmed: () => 1,
  TokenCanWrite: () => 1,
  GitHubUnreachable: () => 1,
  StoppedAtOnce: () => 1,
  Unsuccessful: () => 1,
  PatMissing: () => 2,
  BadUsage: () => 2
})
