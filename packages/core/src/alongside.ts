import { Effect, Fiber, Option } from "effect"

/**
 * Runs `background` concurrently with `foreground`, which may wait for its result when (and
 * only when) it needs it. So `background`'s failure counts only once `foreground` asks for
 * it, while `foreground`'s own failure decides at once; a `background` still running when
 * `foreground` ends is interrupted, never left behind.
 */
export const alongside = <A, E, R, B, E2, R2>(
  background: Effect.Effect<A, E, R>,
  foreground: (awaitBackground: Effect.Effect<A, E>) => Effect.Effect<B, E2, R2>
): Effect.Effect<B, E2, R | R2> =>
  Effect.flatMap(Effect.fork(background), (fiber) =>
    Effect.onExit(foreground(Effect.flatten(Fiber.await(fiber))), () =>
      Effect.flatMap(Fiber.poll(fiber), (done) => (Option.isSome(done) ? Effect.void : Fiber.interruptFork(fiber)))
    )
  )

