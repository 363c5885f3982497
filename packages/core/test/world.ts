import { Layer, Redacted } from "effect"
import {
  GitHubId,
  Hotkey,
  type Neuron,
  type Pat,
  PatEntry,
  Uid
} from "@gittensor-pat/core"
import {
  InMemoryPatStore,
  type InMemoryPatStoreOptions,
  neuron,
  ScriptedGitHub,
  StaticMetagraph,
  type TokenScript
} from "@gittensor-pat/core/testing"

/** The miner registered on uid 0. */
export const alice = Hotkey.make("5Alice1111111111111111111111111111111111111111111")
/** The miner registered on uid 1. */
export const bob = Hotkey.make("5Bob22222222222222222222222222222222222222222222")
/** The miner registered on uid 2. */
export const carol = Hotkey.make("5Carol333333333333333333333333333333333333333333")
/** A hotkey the metagraph does not hold. */
export const stranger = Hotkey.make("5Stranger4444444444444444444444444444444444444444")

/** alice, bob and carol on uids 0–2, with stakes 10, 20, 30. */
export const neurons: ReadonlyArray<Neuron> = [neuron(0, alice, 10), neuron(1, bob, 20), neuron(2, carol, 30)]

/** A branded uid. */
export const uid = (n: number) => Uid.make(n)
/** A branded GitHub id. */
export const githubId = (id: string) => GitHubId.make(id)
/** A token, redacted as the pipelines take it. */
export const pat = (token: string): Pat => Redacted.make(token)

/** A stored entry as an earlier broadcast would have left it. */
export const stored = (n: number, hotkey: Hotkey, token: string, id: string) =>
  PatEntry.make({ uid: uid(n), hotkey, pat: pat(token), githubId: githubId(id), storedAt: "2026-01-01T00:00:00.000Z" })

/** Everything the pipelines need, fresh per test. */
export const world = (
  options: {
    readonly neurons?: ReadonlyArray<Neuron>
    readonly store?: InMemoryPatStoreOptions
    readonly github?: Readonly<Record<string, TokenScript>>
  } = {}
) =>
  Layer.mergeAll(
    StaticMetagraph.layer(options.neurons ?? neurons),
    InMemoryPatStore.layer(options.store),
    ScriptedGitHub.layer(options.github)
  )
