import type { HttpClient } from "@effect/platform"
import { callAxon, type Keypair } from "@gittensor-pat/axon"
import { broadcastCategory, checkCategory } from "@gittensor-pat/core"
import { Effect, Option, Redacted } from "effect"
import { randomUUID } from "node:crypto"
import { minerToken } from "../miners.js"
import type { LoadGroup } from "./spec.js"

/** How one call ended, in the miner's words, and how long it took. */
export interface CallResult {
  /** The category of a 200, `status:<code>`, `timeout`, `failed:<detail>` or `bad-answer`. */
  readonly outcome: string
  readonly ms: number
}

/** Who calls: the miner's hotkey, and the validator it calls. */
export interface Caller {
  readonly keypairs: ReadonlyMap<number, Keypair>
  readonly target: { readonly host: string; readonly port: number; readonly hotkey: string }
}

const transportCode = (detail: string): string => /E[A-Z]{3,}/.exec(detail)?.[0] ?? "transport"

/**
 * One call through the project's own dendrite (`callAxon`), timed from just before it is
 * signed to the decoded answer. Every request carries a fresh uuid so that one miner may
 * have many in flight without tripping the nonce ordering rule. Never fails.
 */
export const callOnce = (
  caller: Caller,
  group: LoadGroup,
  miner: number,
  variant: number
): Effect.Effect<CallResult, never, HttpClient.HttpClient> => {
  const common = {
    keypair: caller.keypairs.get(miner)!,
    target: { ip: caller.target.host, port: caller.target.port, hotkey: caller.target.hotkey },
    timeoutSeconds: group.timeoutSeconds,
    uuid: randomUUID()
  }
  const outcome: Effect.Effect<string, never, HttpClient.HttpClient> = (
    group.synapse === "PatCheckSynapse"
      ? Effect.map(callAxon({ ...common, synapse: "PatCheckSynapse", fields: {} }), (answer) =>
          checkCategory(Option.some(answer))
        )
      : Effect.map(
          callAxon({
            ...common,
            synapse: "PatBroadcastSynapse",
            fields: { github_access_token: Redacted.make(minerToken(miner, variant)) }
          }),
          (answer) => broadcastCategory(Option.some(answer))
        )
  ).pipe(
    Effect.catchTags({
      AxonTimeoutError: () => Effect.succeed("timeout"),
      AxonConnectionError: (error) => Effect.succeed(`failed:${transportCode(error.detail)}`),
      AxonStatusError: (error) => Effect.succeed(`status:${error.status}`),
      AxonResponseError: () => Effect.succeed("bad-answer")
    })
  )
  return Effect.suspend(() => {
    const started = performance.now()
    return Effect.map(outcome, (text) => ({ outcome: text, ms: Math.round((performance.now() - started) * 100) / 100 }))
  })
}
