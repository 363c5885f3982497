import * as Http from "node:http"
import * as Net from "node:net"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { FileSystem } from "@effect/platform"
import { type Keypair, keypairFromSeed, writeHotkey } from "@gittensor-pat/axon"
import { GitHubHttp } from "@gittensor-pat/http-adapter"
import { type FakeAccount, type FakeBehaviour, FakeGitHub } from "@gittensor-pat/fake-github"
import { Hotkey, Neuron, PatEntry, GitHubId, Uid } from "@gittensor-pat/core"
import { InMemoryPatStore, StaticMetagraph } from "@gittensor-pat/core/testing"
import * as Validator from "@gittensor-pat/validator"
import { Context, Effect, Layer, Redacted } from "effect"

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

/** A neuron line of a metagraph snapshot file (docs/metagraph.md, "The snapshot file"). */
export interface SnapshotNeuron {
  readonly uid: number
  readonly hotkey: string
  readonly stake: number
  readonly validator_trust: number
  readonly axon: { readonly ip: string; readonly port: number }
}

/** Writes a metagraph snapshot file holding `neurons` (uids must equal indexes). */
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
    const registry = [...uids, minerUid]
      .sort((a, b) => a - b)
      .map((uid) =>
        Neuron.make({
          uid: Uid.make(uid),
          hotkey: Hotkey.make(uid === minerUid ? miner.address : keys[uids.indexOf(uid)]!.address),
          stake: uid === minerUid ? 0 : 100000,
          validatorTrust: uid === minerUid ? 0 : 1,
          axon: { ip: "127.0.0.1", port: 0 }
        })
      )
    // Each validator's ports live as long as the test's scope, like the validator itself.
    const validators = yield* Effect.forEach(specs, (spec, i) => {
      const entries =
        spec.stored === undefined
          ? []
          : [
              PatEntry.make({
                uid: Uid.make(minerUid),
                hotkey: Hotkey.make(spec.stored.hotkey ?? miner.address),
                pat: Redacted.make(spec.stored.pat),
                githubId: GitHubId.make(spec.stored.githubId),
                storedAt: "2026-01-01T00:00:00.000Z"
              })
            ]
      const ports = Layer.mergeAll(
        GitHubHttp.layerNode({ baseUrl: spec.githubUrl, retryBaseDelay: "20 millis" }),
        InMemoryPatStore.layer({ entries }),
        StaticMetagraph.layer(spec.knowsMiner === false ? registry.filter((n) => n.uid !== minerUid) : registry)
      )
      return Effect.flatMap(Layer.build(Validator.layer({ keypair: keys[i]!, rateLimit: 0 }).pipe(Layer.provide(ports))), (context) =>
        Effect.succeed(Context.get(context, Validator.Validator))
      )
    })
    const neurons: ReadonlyArray<SnapshotNeuron> = registry.map((n) => {
      const at = uids.indexOf(n.uid)
      return {
        uid: n.uid,
        hotkey: n.hotkey,
        stake: n.stake,
        validator_trust: n.validatorTrust,
        axon: at === -1 ? { ip: "0.0.0.0", port: 0 } : { ip: "127.0.0.1", port: validators[at]!.port }
      }
    })
    const metagraph = join(root, "metagraph.json")
    yield* writeSnapshot(metagraph, neurons)
    return { root, miner, neurons, metagraph, args: [...walletArgs(root), "--metagraph", metagraph] }
  })
