import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { GitHubId, IdentityLockedError, PatEntry, type SaveGuard, Uid } from "@gittensor-pat/core"
import { assert, layer } from "@effect/vitest"
import { Cause, Effect, Either, Exit, Option, Redacted } from "effect"
import * as NodePath from "node:path"
import { JsonFilePatStore } from "../src/index.js"
import { allowAll, capturingLogs, entryOf, openStore, secretMarker, tempStorePath } from "./support.js"

const fixturePath = NodePath.join(import.meta.dirname, "fixtures", "python_miner_pats.json")

const uidsIn = (text: string): Array<number> => (JSON.parse(text) as Array<{ uid: number }>).map((e) => e.uid)

const corruptFiles: ReadonlyArray<readonly [string, string]> = [
  ["truncated JSON", `[{"uid": 1, "hotkey": "5Hk", "pat": "ghp_${secretMarker}1234", "github_id"`],
  ["an empty file", ""],
  ["an object instead of an array", `{"uid": 1, "hotkey": "5Hk", "pat": "ghp_${secretMarker}1", "github_id": "1", "stored_at": "x"}`],
  ["null", "null"],
  ["an array of numbers", "[1, 2]"],
  ["a negative uid", `[{"uid": -1, "hotkey": "5Hk", "pat": "ghp_${secretMarker}1", "github_id": "1", "stored_at": "x"}]`],
  ["a numeric github_id", `[{"uid": 1, "hotkey": "5Hk", "pat": "ghp_${secretMarker}1", "github_id": 1, "stored_at": "x"}]`],
  ["a missing pat", `[{"uid": 1, "hotkey": "5Hk", "github_id": "1", "stored_at": "x"}]`]
]

layer(NodeFileSystem.layer)("JsonFilePatStore", (it) => {
  it.scoped("a missing file is an empty store, and its folders are created", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* openStore
      assert.isTrue(Option.isNone(yield* store.get(Uid.make(3))))
      assert.deepStrictEqual(yield* store.snapshot, [])
      assert.isTrue(yield* fs.exists(NodePath.dirname(path)))
      assert.isFalse(yield* fs.exists(path))
    })
  )

  it.scoped("save upserts by uid, and a new hotkey on a uid replaces its entry", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* openStore
      yield* store.save(entryOf(1, "a"), allowAll)
      yield* store.save(entryOf(2, "b"), allowAll)
      yield* store.save(entryOf(1, "c"), allowAll)
      const one = yield* store.get(Uid.make(1))
      assert.strictEqual(Option.getOrThrow(one).hotkey, "5Hotkeyc")
      assert.strictEqual(Redacted.value(Option.getOrThrow(one).pat), `ghp_${secretMarker}cx`)
      assert.deepStrictEqual(uidsIn(yield* fs.readFileString(path)).sort(), [1, 2])
      assert.strictEqual((yield* store.snapshot).length, 2)
    })
  )

  it.scoped("the guard sees the stored entry, and its refusal writes nothing", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* openStore
      yield* store.save(entryOf(4, "first"), allowAll)
      const before = yield* fs.readFileString(path)
      const seen: Array<string> = []
      const refused = yield* Effect.flip(
        store.save(entryOf(4, "second"), (current) => {
          seen.push(Option.getOrThrow(current).hotkey)
          return new IdentityLockedError({ uid: Uid.make(4) })
        })
      )
      assert.deepStrictEqual(seen, ["5Hotkeyfirst"])
      assert.strictEqual(refused._tag === "IdentityLockedError" ? refused.uid : "another error", Uid.make(4))
      assert.strictEqual(yield* fs.readFileString(path), before)
    })
  )

  for (const [name, content] of corruptFiles) {
    it.scoped(`${name}: save fails closed leaving the bytes, get fails naming the format's doc, snapshot is [] with a PAT-free log`, () =>
      Effect.gen(function* () {
        const { fs, path, store } = yield* openStore
        yield* fs.writeFileString(path, content)
        const saved = yield* Effect.flip(store.save(entryOf(9), allowAll))
        assert.strictEqual(saved._tag, "StoreUnavailableError")
        assert.notInclude(JSON.stringify({ ...saved, message: saved.message }), secretMarker)
        assert.strictEqual(yield* fs.readFileString(path), content)
        const got = yield* Effect.flip(store.get(Uid.make(1)))
        assert.strictEqual(got._tag, "StoreUnavailableError")
        assert.include(got.detail, "(format: docs/store.md)")
        const logs: Array<string> = []
        assert.deepStrictEqual(yield* capturingLogs(store.snapshot, logs), [])
        assert.strictEqual(logs.length, 1)
        assert.include(logs[0], "level=ERROR")
        assert.notInclude(logs[0], secretMarker)
      })
    )
  }

  it.scoped("a change another program makes to the file is seen by the very next read, even at the same length", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* openStore
      yield* store.save(entryOf(1), allowAll)
      const written = yield* fs.readFileString(path)
      const edited = written.replace('"github_id": "1001-1"', '"github_id": "9999-1"')
      assert.strictEqual(edited.length, written.length)
      yield* fs.writeFileString(path, edited)
      assert.strictEqual(Option.getOrThrow(yield* store.get(Uid.make(1))).githubId, "9999-1")
      yield* fs.writeFileString(path, edited.slice(0, -2))
      assert.strictEqual((yield* Effect.flip(store.get(Uid.make(1))))._tag, "StoreUnavailableError")
    })
  )

  it.scoped("a save after another program changed the file is decided on, and keeps, what that program wrote", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* openStore
      yield* store.save(entryOf(1), allowAll)
      // Another program rewrites the file: uid 1's GitHub id changed, uid 7 added. No read
      // here in between, so the store last knew the file as its own write left it.
      const foreign = (yield* fs.readFileString(path)).replace('"github_id": "1001-1"', '"github_id": "9999-1"')
      const withSeven = `${foreign.slice(0, -2)},\n  ${JSON.stringify({ uid: 7, hotkey: "5Other", pat: "ghp_other", github_id: "7007", stored_at: "2026-11-26T18:00:00+00:00" })}\n]`
      yield* fs.writeFileString(path, withSeven)
      // A guard that refuses uid 7 when it is taken: on the version the store knew it is free.
      const refusing: SaveGuard = (current) =>
        Option.isSome(current) ? Effect.fail(new IdentityLockedError({ uid: Uid.make(7) })) : Effect.void
      assert.strictEqual((yield* Effect.flip(store.save(entryOf(7), refusing)))._tag, "IdentityLockedError")
      assert.strictEqual(yield* fs.readFileString(path), withSeven)
      yield* store.save(entryOf(2), allowAll)
      const after = JSON.parse(yield* fs.readFileString(path)) as Array<{ uid: number; github_id: string }>
      assert.deepStrictEqual(
        after.map((e) => [e.uid, e.github_id]),
        [
          [1, "9999-1"],
          [7, "7007"],
          [2, "1002-2"]
        ]
      )
      // The file staged on the old version, while the read found the new one, is gone.
      assert.deepStrictEqual(
        (yield* fs.readDirectory(NodePath.dirname(path))).filter((name) => name.endsWith(".tmp")),
        []
      )
    })
  )

  it.scoped("a change inside one multi-byte character (one byte of the file) is seen by the next read", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* openStore
      yield* store.save(entryOf(1, "é"), allowAll)
      const written = yield* fs.readFile(path)
      const edited = Buffer.from(new TextDecoder().decode(written).replace('"5Hotkeyé"', '"5Hotkeyè"'), "utf8")
      assert.deepStrictEqual(
        [edited.length, written.filter((byte, at) => byte !== edited[at]).length],
        [written.length, 1]
      )
      yield* fs.writeFile(path, edited)
      assert.strictEqual(Option.getOrThrow(yield* store.get(Uid.make(1))).hotkey, "5Hotkeyè")
    })
  )

  it.scoped("a file that starts with a UTF-8 byte order mark reads as the same file without it", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* openStore
      yield* store.save(entryOf(1), allowAll)
      const written = yield* fs.readFileString(path)
      yield* fs.writeFileString(path, `\uFEFF${written.replace('"1001-1"', '"2002-1"')}`)
      assert.strictEqual(Option.getOrThrow(yield* store.get(Uid.make(1))).githubId, "2002-1")
      yield* store.save(entryOf(2), allowAll)
      assert.deepStrictEqual(uidsIn(yield* fs.readFileString(path)), [1, 2])
    })
  )

  it.scoped("200 concurrent saves of distinct uids are all kept", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* openStore
      const uids = Array.from({ length: 200 }, (_, uid) => uid)
      yield* Effect.forEach(uids, (uid) => store.save(entryOf(uid), allowAll), { concurrency: "unbounded" })
      assert.deepStrictEqual(
        uidsIn(yield* fs.readFileString(path)).sort((a, b) => a - b),
        uids
      )
      assert.strictEqual((yield* store.snapshot).length, 200)
    })
  )

  it.scoped("concurrent saves pinning one uid to different accounts: exactly one wins, the rest are locked", () =>
    Effect.gen(function* () {
      const { store } = yield* openStore
      const pin: SaveGuard = (current) =>
        Option.isSome(current) ? new IdentityLockedError({ uid: current.value.uid }) : Effect.void
      const contenders = Array.from({ length: 20 }, (_, n) => new PatEntry({ ...entryOf(1), githubId: GitHubId.make(`id-${n}`) }))
      const results = yield* Effect.forEach(contenders, (entry) => Effect.either(store.save(entry, pin)), {
        concurrency: "unbounded"
      })
      const winners = results.flatMap((result, n) => (Either.isRight(result) ? [`id-${n}`] : []))
      assert.strictEqual(winners.length, 1)
      assert.isTrue(results.every((r) => Either.isRight(r) || r.left._tag === "IdentityLockedError"))
      assert.strictEqual(Option.getOrThrow(yield* store.get(Uid.make(1))).githubId, winners[0])
    })
  )

  it.scoped("a guard that dies fails its own save and the store keeps saving", () =>
    Effect.gen(function* () {
      const { store } = yield* openStore
      const exit = yield* Effect.exit(store.save(entryOf(1), () => Effect.die("guard bug")))
      assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause))
      yield* store.save(entryOf(2), allowAll)
      assert.deepStrictEqual(
        (yield* store.snapshot).map((e) => e.uid),
        [2]
      )
    })
  )

  it.scoped("the file is left with mode 0600, even when it was wider before", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* openStore
      yield* fs.writeFileString(path, "[]", { mode: 0o644 })
      yield* fs.chmod(path, 0o644)
      yield* store.save(entryOf(1), allowAll)
      assert.strictEqual((yield* fs.stat(path)).mode & 0o777, 0o600)
    })
  )

  it.scoped("a file written by Python's json.dump(indent=2) reads, and rewrites byte for byte", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* openStore
      const python = yield* fs.readFileString(fixturePath)
      yield* fs.writeFileString(path, python)
      const entries = yield* store.snapshot
      assert.deepStrictEqual(
        entries.map((e) => [e.uid, e.githubId, e.storedAt]),
        [
          [0, "1001", "2026-11-20T09:30:15.123456+00:00"],
          [7, "2002", "2026-11-21T10:00:00+00:00"],
          [12, "3003", "2026-11-22T23:59:59.999999+00:00"]
        ]
      )
      // Saving the last entry again must reproduce Python's bytes, the unknown "note" included.
      yield* store.save(entries[2]!, allowAll)
      assert.strictEqual(yield* fs.readFileString(path), python)
    })
  )

  it.scoped("a new entry is written with the Python validator's keys, and a UTC 'Z' as +00:00", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* openStore
      yield* store.save(entryOf(5), allowAll)
      const [written] = JSON.parse(yield* fs.readFileString(path)) as Array<Record<string, unknown>>
      assert.deepStrictEqual(Object.keys(written!), ["uid", "hotkey", "pat", "github_id", "stored_at"])
      assert.strictEqual(written!.stored_at, "2026-11-26T18:00:00.000+00:00")
      assert.strictEqual(written!.pat, `ghp_${secretMarker}5x`)
    })
  )

  it.scoped("ensure creates [] when absent and never overwrites", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* tempStorePath
      yield* JsonFilePatStore.ensure(path)
      assert.strictEqual(yield* fs.readFileString(path), "[]")
      assert.strictEqual((yield* fs.stat(path)).mode & 0o777, 0o600)
      yield* fs.writeFileString(path, "{corrupt")
      yield* JsonFilePatStore.ensure(path)
      assert.strictEqual(yield* fs.readFileString(path), "{corrupt")
    })
  )
})
