import * as Http from "node:http"
import * as Net from "node:net"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { FileSystem } from "@effect/platform"
import { type Keypair, keypairFromSeed, writeHotkey } from "@gittensor-pat/axon"
import { type FakeAccount, type FakeBehaviour, FakeGitHub } from "@gittensor-pat/fake-github"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, ExecutionStrategy, Scope } from "effect"
import { startValidatorProcess } from "../src/validatorProcess.js"

/** A fixed test key: the n-th of a family, never used outside tests. */
export const testKey = (n: number): Effect.Effect<Keypair> =>
  Effect.orDie(keypairFromSeed(new Uint8Array(32).fill(n)))

/** How one validator of a test subnet behaves. */
export interface ValidatorSpec {
  /** The GitHub API this validator asks (a fake's url). */
  readonly githubUrl: string
  /** Entries its store holds before the test (stored for the miner's uid). */
  readonly stored?: { readonly pat: string; readonly githubId: string; readonly hotkey?: string }
  /** A validator with a stale metagraph, where uid 1 is still another hotkey, refuses the miner (403). */
  readonly knowsMiner?: boolean
}

/** The miner's wallet flags for a wallet written under `root`. */
export const walletArgs = (root: string): ReadonlyArray<string> => [
  "--wallet.path",
  join(root, "wallets"),
  "--wallet.name",
  "miner",
  "--wallet.hotkey",
  "default"
]

const minerUid = 1

/** A neuron line of a metagraph snapshot file (CONTRACT §8). */
export interface SnapshotNeuron {
  readonly uid: number
  readonly hotkey: string
  readonly stake: number
  readonly validator_trust: number
  readonly axon: { readonly ip: string; readonly port: number }
}

/** Writes a CONTRACT §8 snapshot holding `neurons` (uids must equal indexes). */
export const writeSnapshot = (file: string, neurons: ReadonlyArray<SnapshotNeuron>) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    fs.writeFileString(file, JSON.stringify({ netuid: 74, block: 4500000, neurons }, null, 2))
  )

/** An HTTP server on loopback that accepts requests and never answers them. */
export const silentServer = Effect.acquireRelease(
  Effect.async<Http.Server>((resume) => {
    const server = Http.createServer(() => {})
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
).pipe(Effect.map((server) => (server.address() as AddressInfo).port))

/** A fake GitHub for the test's scope that knows `token` as `account`. */
export const gitHubKnowing = (token: string, account: FakeAccount) =>
  Effect.tap(FakeGitHub.scoped, (github) => github.allow(token, account))

/** A fake GitHub for the test's scope that answers `token` with `behaviour` on both endpoints. */
export const gitHubAnswering = (token: string, behaviour: FakeBehaviour) =>
  Effect.tap(FakeGitHub.scoped, (github) => {
    github.script(token, "user", behaviour)
    github.script(token, "graphql", behaviour)
  })

/** A server on loopback, closed (connections dropped) with the scope. */
const listening = <S extends Net.Server>(make: () => S, drop: (server: S) => void) =>
  Effect.acquireRelease(
    Effect.async<S>((resume) => {
      const server = make()
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        drop(server)
        server.close(() => resume(Effect.void))
      })
  )

/** A web server that is not an axon: every request gets 503 at once. Counts the requests. */
export const unavailableServer = Effect.gen(function* () {
  let requests = 0
  const server = yield* listening(
    () =>
      Http.createServer((_, response) => {
        requests++
        response.writeHead(503, { "content-type": "application/json" }).end('{"message":"Service Unavailable"}')
      }),
    (s) => s.closeAllConnections()
  )
  return { port: (server.address() as AddressInfo).port, requests: () => requests }
})

/**
 * A TCP proxy to `port` that drops its first `drops` connections the moment they open: a
 * validator that did not answer once, then does.
 */
export const flakyProxy = (port: number, drops = 1) =>
  Effect.gen(function* () {
    let connections = 0
    const sockets = new Set<Net.Socket>()
    const server = yield* listening(
      () =>
        Net.createServer((client) => {
          sockets.add(client)
          client.once("close", () => sockets.delete(client))
          connections++
          if (connections <= drops) return client.destroy()
          const upstream = Net.connect(port, "127.0.0.1")
          sockets.add(upstream)
          upstream.once("close", () => sockets.delete(upstream))
          client.pipe(upstream).pipe(client)
          client.on("error", () => upstream.destroy())
          upstream.on("error", () => client.destroy())
        }),
      () => {
        for (const socket of sockets) socket.destroy()
      }
    )
    return { port: (server.address() as AddressInfo).port, connections: () => connections }
  })

/**
 * A subnet on loopback: the miner (uid 1, wallet written under a temp folder) and one
 * real validator per spec (uids 0, 2, 3, …), each run as `validator serve` in a process
 * of its own, as an operator runs it, with its own wallet, metagraph snapshot, PAT store
 * and GitHub; rate limit off. Returns the temp folder, the miner's key and the neurons of
 * the metagraph the miner reads.
 */
export const subnet = (specs: ReadonlyArray<ValidatorSpec>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const root = yield* fs.makeTempDirectoryScoped({ prefix: "miner-cli-" })
    const miner = yield* testKey(1)
    yield* Effect.orDie(writeHotkey({ path: join(root, "wallets"), name: "miner", hotkey: "default" }, miner))
    const uids = specs.map((_, i) => (i === 0 ? 0 : i + 1))
    const keys = yield* Effect.forEach(uids, (uid) => testKey(100 + uid))
    // A validator that does not know the miner has a stale snapshot: uid 1 still someone else's.
    const formerOwner = yield* testKey(99)
    const neuronOf = (uid: number, axon: SnapshotNeuron["axon"], knowsMiner = true): SnapshotNeuron => {
      const at = uids.indexOf(uid)
      const hotkey = knowsMiner ? miner.address : formerOwner.address
      return at === -1
        ? { uid, hotkey, stake: 0, validator_trust: 0, axon }
        : { uid, hotkey: keys[at]!.address, stake: 100000, validator_trust: 1, axon }
    }
    const registry = [...uids, minerUid].sort((a, b) => a - b)
    const unserved = { ip: "0.0.0.0", port: 0 }
    // Stopped side by side when the test ends: each drains for a moment after SIGTERM.
    const validatorsScope = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.parallel)
    const validators = yield* Effect.forEach(
      specs,
      (spec, i) =>
        Effect.gen(function* () {
          const dir = join(root, `validator-${uids[i]}`)
          const wallet = { path: join(dir, "wallets"), name: "validator", hotkey: "default" }
          yield* Effect.orDie(writeHotkey(wallet, keys[i]!))
          const metagraph = join(dir, "metagraph.json")
          yield* writeSnapshot(metagraph, registry.map((uid) => neuronOf(uid, unserved, spec.knowsMiner !== false)))
          const patsFile = join(dir, "miner_pats.json")
          if (spec.stored !== undefined) {
            const entry = {
              uid: minerUid,
              hotkey: spec.stored.hotkey ?? miner.address,
              pat: spec.stored.pat,
              github_id: spec.stored.githubId,
              stored_at: "2026-01-01T00:00:00+00:00"
            }
            yield* fs.writeFileString(patsFile, JSON.stringify([entry], null, 2), { mode: 0o600 })
          }
          return yield* startValidatorProcess(
            { metagraph, patsFile, githubApiUrl: spec.githubUrl, wallet, extra: ["--rate-limit", "0"] },
            { logFile: join(dir, "validator.log") }
          )
        }),
      { concurrency: "unbounded" }
    ).pipe(Scope.extend(validatorsScope), Effect.provide(NodeHttpClient.layerUndici), Effect.orDie)
    const neurons = registry.map((uid) => {
      const at = uids.indexOf(uid)
      return neuronOf(uid, at === -1 ? unserved : { ip: "127.0.0.1", port: validators[at]!.port })
    })
    const metagraph = join(root, "metagraph.json")
    yield* writeSnapshot(metagraph, neurons)
    return { root, miner, neurons, metagraph, args: [...walletArgs(root), "--metagraph", metagraph] }
  })
