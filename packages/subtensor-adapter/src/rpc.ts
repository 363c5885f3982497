import { WsProvider } from "@polkadot/rpc-provider/ws"
import { Duration, Effect, type Scope } from "effect"
import { SubtensorRpcFailed, SubtensorUnreachable } from "./errors.js"

/** One open JSON-RPC connection to a subtensor node. */
export interface ChainRpc {
  readonly endpoint: string
  /** Sends one call; fails when the node answers with an error, drops the line or stays silent. */
  readonly call: (
    method: string,
    params: ReadonlyArray<unknown>
  ) => Effect.Effect<unknown, SubtensorUnreachable | SubtensorRpcFailed>
}

const messageOf = (event: unknown): string => {
  if (event instanceof Error) return event.message
  if (typeof event === "object" && event !== null) {
    const { message, error } = event as { message?: unknown; error?: unknown }
    if (typeof message === "string" && message !== "") return message
    if (error instanceof Error) return error.message
  }
  return "the connection failed"
}

// The provider tells a JSON-RPC error answer apart by its numeric code; anything else
// (closed socket, no answer) is the line's fault.
const isRpcError = (error: unknown): error is Error & { readonly code: number } =>
  error instanceof Error && typeof (error as { code?: unknown }).code === "number"

const waitConnected = (provider: WsProvider, endpoint: string) =>
  Effect.async<void, SubtensorUnreachable>((resume) => {
    const refused = (event: unknown) =>
      resume(Effect.fail(new SubtensorUnreachable({ endpoint, reason: "refused", detail: messageOf(event) })))
    const stop = [
      provider.on("connected", () => resume(Effect.void)),
      provider.on("error", refused),
      provider.on("disconnected", () => refused(new Error("the node closed the connection")))
    ]
    provider.connect().catch(refused)
    return Effect.sync(() => {
      for (const off of stop) off()
    })
  })

/**
 * Opens a connection to `endpoint` for as long as the scope lives. It never reconnects by
 * itself (a read that loses its node fails, and the caller decides whether to read
 * again), and each step (connecting, every call) gives up after `timeout`.
 */
export const connectRpc = (
  endpoint: string,
  timeout: Duration.DurationInput
): Effect.Effect<ChainRpc, SubtensorUnreachable, Scope.Scope> =>
  Effect.gen(function* () {
    const limit = Duration.decode(timeout)
    const silent = (what: string) => () =>
      new SubtensorUnreachable({ endpoint, reason: "timeout", detail: `no ${what} within ${Duration.format(limit)}` })
    // autoConnect off (false): the provider's own retry loop would reconnect for ever.
    // The provider's request timeout is left above ours so that ours is the one that fires.
    const provider = yield* Effect.acquireRelease(
      Effect.sync(() => new WsProvider(endpoint, false, {}, Duration.toMillis(limit) + 5_000, 0)),
      (provider) => Effect.promise(() => provider.disconnect().catch(() => undefined))
    )
    yield* waitConnected(provider, endpoint).pipe(
      Effect.timeoutFail({ duration: limit, onTimeout: silent("connection") })
    )
    const call: ChainRpc["call"] = (method, params) =>
      Effect.tryPromise({
        try: () => provider.send<unknown>(method, [...params]),
        catch: (error) =>
          isRpcError(error)
            ? new SubtensorRpcFailed({ endpoint, method, detail: error.message })
            : new SubtensorUnreachable({ endpoint, reason: "closed", detail: `${method}: ${messageOf(error)}` })
      }).pipe(Effect.timeoutFail({ duration: limit, onTimeout: silent(`answer to ${method}`) }))
    return { endpoint, call }
  })
