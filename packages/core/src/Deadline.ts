import { Clock, Duration, Effect } from "effect"

/**
 * An absolute point in time (epoch milliseconds) by which a request must be answered. It is
 * data: whoever waits on something (the GitHub adapter) ends the wait by it.
 */
export type Deadline = number & { readonly Deadline: unique symbol }

/** The deadline at `epochMillis`. */
export const at = (epochMillis: number): Deadline => epochMillis as Deadline

/** The deadline `duration` from now, on the fiber's clock. */
export const after = (duration: Duration.DurationInput): Effect.Effect<Deadline> =>
  Effect.map(Clock.currentTimeMillis, (now) => at(now + Duration.toMillis(duration)))
