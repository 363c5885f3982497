// The PAT store's cost: save latency (p50/p99) with 256 and 4096 entries on file, get
// latency, and saves/s when 64 savers contend. Run: `pnpm --filter @gittensor-pat/bench store`.
import * as FileSystem from "@effect/platform/FileSystem"
import { GitHubId, Hotkey, PatEntry, PatStore, Uid } from "@gittensor-pat/core"
import { JsonFilePatStore } from "@gittensor-pat/storage-adapter"
import { Context, Duration, Effect, Random, Redacted } from "effect"
import * as NodePath from "node:path"
import { benchMain } from "./benchMain.js"
import { type LatencySummary, summarize } from "./stats.js"

const sizes = [256, 4096] as const
const concurrentSavers = 64

/** Samples per size: enough for a p99 without making the 4096-entry point crawl. */
const samples = (entries: number) => (entries > 1000 ? 200 : 500)

const entryOf = (uid: number, round: number) =>
  new PatEntry({
    uid: Uid.make(uid),
    hotkey: Hotkey.make(`5BenchHotkey${uid}`),
    pat: Redacted.make(`ghp_bench${uid}r${round}AAAAAAAAAAAAAAAAAAAAAAAAAAAA`),
    githubId: GitHubId.make(String(10_000_000 + uid)),
    storedAt: new Date().toISOString()
  })

/** A file with `entries` entries in the format of docs/store.md, as a long-running validator has. */
const seed = (path: string, entries: number) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    yield* fs.makeDirectory(NodePath.dirname(path), { recursive: true })
    const wire = Array.from({ length: entries }, (_, uid) => {
      const entry = entryOf(uid, 0)
      return {
        uid,
        hotkey: entry.hotkey,
        pat: Redacted.value(entry.pat),
        github_id: entry.githubId,
        stored_at: entry.storedAt
      }
    })
    yield* fs.writeFileString(path, JSON.stringify(wire, null, 2), { mode: 0o600 })
  })

const millis = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.timed(effect), ([elapsed]) => Duration.toMillis(elapsed))

const randomUid = (entries: number) => Random.nextIntBetween(0, entries)

interface Point {
  readonly entries: number
  readonly fileKiB: number
  readonly save: LatencySummary
  readonly get: LatencySummary
  readonly concurrentSavers: number
  readonly savesPerSecond: number
}

const measure = (store: Context.Tag.Service<PatStore>, entries: number, fileKiB: number) =>
  Effect.gen(function* () {
    const count = samples(entries)
    const allow = () => Effect.void
    const saves = yield* Effect.forEach(Array.from({ length: count }, (_, round) => round), (round) =>
      Effect.flatMap(randomUid(entries), (uid) => millis(store.save(entryOf(uid, round + 1), allow)))
    )
    const gets = yield* Effect.forEach(Array.from({ length: count }), () =>
      Effect.flatMap(randomUid(entries), (uid) => millis(store.get(Uid.make(uid))))
    )
    const perSaver = Math.max(2, Math.round(count / concurrentSavers))
    const contended = yield* millis(
      Effect.forEach(
        Array.from({ length: concurrentSavers }),
        () =>
          Effect.forEach(Array.from({ length: perSaver }), (_, round) =>
            Effect.flatMap(randomUid(entries), (uid) => store.save(entryOf(uid, count + round + 1), allow))
          ),
        { concurrency: "unbounded" }
      )
    )
    return {
      entries,
      fileKiB,
      save: summarize(saves),
      get: summarize(gets),
      concurrentSavers,
      savesPerSecond: Math.round(((concurrentSavers * perSaver) / contended) * 1000 * 10) / 10
    } satisfies Point
  })

const program = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const directory = yield* fs.makeTempDirectoryScoped({ prefix: "bench-store-" })
  return yield* Effect.forEach(sizes, (entries) =>
    Effect.scoped(
      Effect.gen(function* () {
        const path = NodePath.join(directory, String(entries), "miner_pats.json")
        yield* seed(path, entries)
        const fileKiB = Math.round(Number((yield* fs.stat(path)).size) / 1024)
        const store = Context.get(yield* JsonFilePatStore.make({ path }), PatStore)
        return yield* measure(store, entries, fileKiB)
      })
    )
  )
})

const report = (points: ReadonlyArray<Point>) =>
  [
    "PAT store (JSON file, fsync'd atomic writes)",
    "entries  file KiB  save p50 ms  save p99 ms  get p50 ms  get p99 ms  saves/s (64 savers)",
    ...points.map((p) =>
      [p.entries, p.fileKiB, p.save.p50, p.save.p99, p.get.p50, p.get.p99, p.savesPerSecond]
        .map((value, column) => String(value).padStart(column === 0 ? 7 : 11))
        .join("  ")
    )
  ].join("\n")

benchMain("store", program, report)
