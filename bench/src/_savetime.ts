import { GitHubId, Hotkey, PatEntry, PatStore, Uid } from "@gittensor-pat/core"
import { JsonFilePatStore } from "@gittensor-pat/storage-adapter"
import { Duration, Effect, Redacted } from "effect"
import * as NFS from "node:fs"
const entries = Number(process.argv[2] ?? 1280), gap = Number(process.argv[3] ?? 100)
NFS.mkdirSync("/tmp/sv", { recursive: true })
const path = `/tmp/sv/s${process.pid}.json`
const entryOf = (uid: number, round: number) => new PatEntry({ uid: Uid.make(uid), hotkey: Hotkey.make(`5BenchHotkey${uid}`), pat: Redacted.make(`ghp_bench${uid}r${round}AAAAAAAAAAAAAAAAAAAAAAAAAAAA`), githubId: GitHubId.make(String(10_000_000 + uid)), storedAt: new Date().toISOString() })
NFS.writeFileSync(path, JSON.stringify(Array.from({ length: entries }, (_, uid) => ({ uid, hotkey: `5BenchHotkey${uid}`, pat: `ghp_bench${uid}r0AAAAAAAAAAAAAAAAAAAAAAAAAAAA`, github_id: String(10_000_000 + uid), stored_at: new Date().toISOString() })), null, 2))
const ms = <A, E>(e: Effect.Effect<A, E>) => Effect.map(Effect.timed(e), ([d]) => Duration.toMillis(d))
const prog = Effect.gen(function* () {
  const store = yield* PatStore
  const g: number[] = [], s: number[] = []
  for (let r = 0; r < 60; r++) {
    if (gap > 0) yield* Effect.sleep(gap)
    const uid = r % entries
    g.push(yield* ms(store.get(Uid.make(uid))))
    s.push(yield* ms(store.save(entryOf(uid, r + 1), () => Effect.void)))
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]!.toFixed(2)
  console.log(`entries ${entries} gap ${gap}: get p50 ${med(g)} save p50 ${med(s)}`)
})
Effect.runPromise(Effect.scoped(Effect.provide(prog, JsonFilePatStore.layerNode({ path }))) as any)
