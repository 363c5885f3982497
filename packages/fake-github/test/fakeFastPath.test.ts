import { once } from "node:events"
import { connect, type Socket } from "node:net"
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { Effect, FastCheck } from "effect"
import { makeDelayQueue } from "../src/delayQueue.js"
import { type FakeGitHubServer, startFakeGitHub } from "../src/index.js"

let fake: FakeGitHubServer
beforeEach(async () => {
  fake = await startFakeGitHub()
})
afterEach(() => fake.close())

const open = async (): Promise<Socket> => {
  const { port } = new URL(fake.url)
  const socket = connect({ host: "127.0.0.1", port: Number(port) })
  await once(socket, "connect")
  return socket
}

const get = (token: string) => `GET /user HTTP/1.1\r\nhost: fake\r\nauthorization: token ${token}\r\n\r\n`
const post = (token: string, body: string) =>
  `POST /graphql HTTP/1.1\r\nhost: fake\r\nauthorization: Bearer ${token}\r\ncontent-length: ${body.length}\r\n\r\n${body}`

// Reads `count` complete answers (all of this fake's answers here carry a length).
const answers = (socket: Socket, count: number): Promise<Array<{ status: number; body: string }>> =>
  new Promise((resolve) => {
    let text = ""
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1")
      const parsed: Array<{ status: number; body: string }> = []
      let rest = text
      for (;;) {
        const end = rest.indexOf("\r\n\r\n")
        if (end < 0) break
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(rest.slice(0, end))?.[1] ?? 0)
        if (rest.length < end + 4 + length) break
        parsed.push({ status: Number(rest.slice(9, 12)), body: rest.slice(end + 4, end + 4 + length) })
        rest = rest.slice(end + 4 + length)
      }
      if (parsed.length < count) return
      socket.off("data", onData)
      resolve(parsed)
    }
    socket.on("data", onData)
  })

describe("the fake GitHub's fast path, over a raw keep-alive socket", () => {
  it("answers calls pipelined in one write and a body split across writes, in order", async () => {
    fake.allow("tok", { id: 5, login: "five" })
    const socket = await open()
    try {
      const reading = answers(socket, 3)
      socket.write(get("tok") + get("nobody"))
      const query = post("tok", '{"query":"{ viewer { login } }"}')
      socket.write(query.slice(0, query.length - 10))
      await new Promise((resolve) => setTimeout(resolve, 20))
      socket.write(query.slice(query.length - 10))
      const [user, unknown, graphql] = await reading
      assert.deepStrictEqual(user, { status: 200, body: '{"login":"five","id":5,"type":"User"}' })
      assert.strictEqual(unknown?.status, 401)
      assert.deepStrictEqual(graphql, { status: 200, body: '{"data":{"viewer":{"login":"five"}}}' })
      assert.strictEqual(fake.count("tok", "user"), 1)
      assert.strictEqual(fake.count("nobody", "user"), 1)
      assert.deepInclude(fake.lastRequest("graphql"), { method: "POST", body: '{"query":"{ viewer { login } }"}' })
      assert.strictEqual(fake.lastRequest("graphql")?.headers.authorization, "Bearer tok")
    } finally {
      socket.destroy()
    }
  })

  it("hands the connection to node:http at a scripted call, and answers every later call on it", async () => {
    fake.allow("tok", { id: 5, login: "five" })
    fake.script("flaky", "user", [{ status: 503, headers: { "retry-after": "1" } }, { status: 200, json: { id: 9, login: "nine" } }])
    const socket = await open()
    try {
      const reading = answers(socket, 4)
      socket.write(get("tok"))
      await new Promise((resolve) => setTimeout(resolve, 20))
      socket.write(get("flaky") + get("flaky") + get("tok"))
      const statuses = (await reading).map(({ status }) => status)
      assert.deepStrictEqual(statuses, [200, 503, 200, 200])
      assert.strictEqual(fake.count("flaky", "user"), 2)
      assert.strictEqual(fake.count("tok", "user"), 2)
    } finally {
      socket.destroy()
    }
  })
})

describe("the fake's delay queue", () => {
  it.effect.prop(
    "runs every callback once, never before its delay, earlier deadlines first",
    [FastCheck.array(FastCheck.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 40 })],
    ([delays]) =>
      Effect.promise(async () => {
        const queue = makeDelayQueue()
        const ran: Array<{ readonly index: number; readonly due: number; readonly at: number }> = []
        let registering = 0
        await new Promise<void>((resolve) => {
          const start = performance.now()
          for (const [index, ms] of delays.entries()) {
            const due = performance.now() + ms
            queue.later(ms, () => {
              ran.push({ index, due, at: performance.now() })
              if (ran.length === delays.length) resolve()
            })
          }
          registering = performance.now() - start
        })
        const indices = ran.map(({ index }) => index).sort((a, b) => a - b)
        assert.deepStrictEqual(indices, Array.from(delays.keys()))
        for (const { due, at } of ran) assert.isAtLeast(at, due)
        // Two that fall due within the same millisecond may run in either order; and the queue
        // reads its own clock, so on a loaded machine (the loop preempted between the two reads)
        // its order may differ from the dues seen here by as long as registering took.
        for (const [position, { due }] of ran.entries()) {
          assert.isAtMost(ran[position - 1]?.due ?? 0, due + 1 + registering)
        }
      }),
    { fastCheck: { numRuns: 25 } }
  )
})
