import { Effect, type Scope } from "effect"
import { type FakeGitHubServer, startFakeGitHub } from "./FakeGitHubServer.js"

/** A fake GitHub for the life of the enclosing scope; closed (connections dropped) after. */
export const scoped: Effect.Effect<FakeGitHubServer, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => startFakeGitHub()),
  (server) => Effect.promise(() => server.close())
)
