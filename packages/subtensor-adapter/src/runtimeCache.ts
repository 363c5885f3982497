import { Effect, Option, Ref } from "effect"
import type { Runtime } from "./runtime.js"

/** What names one runtime's types: the chain (its genesis hash), the runtime's spec name and version. */
export interface RuntimeKey {
  readonly genesis: string
  readonly specName: string
  readonly specVersion: number
}

/**
 * The runtime types of the last chain read, so that the next read of the same runtime skips
 * fetching and decoding its metadata (0.6 MB, and the costliest part of a read's CPU). A
 * runtime upgrade raises the spec version, so a read after one fetches the new metadata;
 * this is the key polkadot-js caches metadata by too. Only one runtime is kept: after an
 * upgrade the old one is never asked for again.
 */
export interface RuntimeCache {
  readonly last: Ref.Ref<Option.Option<CachedRuntime>>
}

interface CachedRuntime {
  readonly key: RuntimeKey
  readonly runtime: Runtime
}

/** An empty cache. */
export const makeRuntimeCache: Effect.Effect<RuntimeCache> = Effect.map(Ref.make(Option.none<CachedRuntime>()), (last) => ({
  last
}))

const sameKey = (a: RuntimeKey, b: RuntimeKey) =>
  a.genesis === b.genesis && a.specName === b.specName && a.specVersion === b.specVersion

/** The runtime under `key`: the cached one, or `load`'s (then cached). */
export const cachedRuntime = <E, R>(
  cache: RuntimeCache,
  key: RuntimeKey,
  load: Effect.Effect<Runtime, E, R>
): Effect.Effect<Runtime, E, R> =>
  Effect.flatMap(Ref.get(cache.last), (last) =>
    Option.isSome(last) && sameKey(last.value.key, key)
      ? Effect.succeed(last.value.runtime)
      : Effect.tap(load, (runtime) => Ref.set(cache.last, Option.some({ key, runtime })))
  )
