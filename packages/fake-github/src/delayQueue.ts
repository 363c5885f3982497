/** Runs callbacks after a delay, thousands in flight under one timer. */
export interface DelayQueue {
  /** Runs `run` once `ms` have passed (at once for 0), never earlier. */
  readonly later: (ms: number, run: () => void) => void
  /** Forgets everything still waiting. */
  readonly clear: () => void
}

interface Entry {
  readonly due: number
  readonly run: () => void
}

/**
 * A delay queue: one FIFO per distinct delay (entries of one delay fall due in the order
 * they came) and one timer for the earliest of their heads. A fake answering thousands
 * of calls a second after the same latency then arms a timer per batch, not per call.
 */
export const makeDelayQueue = (): DelayQueue => {
  const queues = new Map<number, Array<Entry>>()
  let timer: NodeJS.Timeout | undefined
  let armedFor = Number.POSITIVE_INFINITY

  const arm = () => {
    let earliest = Number.POSITIVE_INFINITY
    for (const queue of queues.values()) earliest = Math.min(earliest, queue[0]?.due ?? earliest)
    if (earliest >= armedFor) return
    clearTimeout(timer)
    armedFor = earliest
    timer = earliest === Number.POSITIVE_INFINITY ? undefined : setTimeout(fire, Math.max(1, Math.ceil(earliest - performance.now())))
  }

  // Runs what is due, earliest deadline first across the queues, then re-arms.
  function fire() {
    timer = undefined
    armedFor = Number.POSITIVE_INFINITY
    const now = performance.now()
    for (;;) {
      let next: [number, Array<Entry>] | undefined
      for (const [ms, queue] of queues) {
        const due = queue[0]?.due ?? Number.POSITIVE_INFINITY
        if (due <= now && due < (next?.[1][0]?.due ?? Number.POSITIVE_INFINITY)) next = [ms, queue]
      }
      if (next === undefined) break
      const [ms, queue] = next
      const entry = queue.shift()
      if (queue.length === 0) queues.delete(ms)
      entry?.run()
    }
    arm()
  }

  return {
    later: (ms, run) => {
      if (ms <= 0) return run()
      const queue = queues.get(ms)
      const entry = { due: performance.now() + ms, run }
      if (queue === undefined) queues.set(ms, [entry])
      else queue.push(entry)
      arm()
    },
    clear: () => {
      clearTimeout(timer)
      timer = undefined
      armedFor = Number.POSITIVE_INFINITY
      queues.clear()
    }
  }
}
