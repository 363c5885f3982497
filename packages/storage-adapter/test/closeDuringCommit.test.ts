import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, it } from "@effect/vitest"
import { Effect, Either, Exit, Scope } from "effect"
import { allowAll, entryOf, storeAt, tempStorePath } from "./support.js"

it.scopedLive("a store closed while its last save's files are still closing closes once they are", () =>
  Effect.gen(function* () {
    // A save is answered before its commit closes the files it opened. Effect 3.22.4 can
    // lose an interruption that lands while such a close runs, so closing the store must
    // not depend on its writer hearing one (before, such a close waited forever). The
    // close starts one file-system round trip after the answer, while the files close.
    const fs = yield* FileSystem.FileSystem
    for (let round = 0; round < 20; round++) {
      const path = yield* tempStorePath
      const scope = yield* Scope.make()
      const { store } = yield* Scope.extend(storeAt(path), scope)
      yield* store.save(entryOf(1), allowAll)
      yield* fs.exists(path)
      const closed = yield* Effect.either(Effect.timeout(Scope.close(scope, Exit.void), "5 seconds"))
      assert.deepStrictEqual(closed, Either.right(undefined), `round ${round}`)
    }
  }).pipe(Effect.provide(NodeFileSystem.layer))
)
