import { Either, Schema } from "effect"
import { type FakeAccount, FakeBehaviour, FakeEndpoint, type FakeScript } from "./fakeScript.js"

/** Where a fake's control surface lives, under its own URL. */
export const controlPrefix = "/__fake/"

const Commands = {
  allow: Schema.Struct({
    token: Schema.String,
    id: Schema.Union(Schema.Number, Schema.String),
    login: Schema.String,
    scopes: Schema.optionalWith(Schema.NullOr(Schema.Array(Schema.String)), { exact: true }),
    expiresAt: Schema.optionalWith(Schema.String, { exact: true }),
    rateLimit: Schema.optionalWith(
      Schema.Struct({ limit: Schema.Number, remaining: Schema.Number, reset: Schema.Number }),
      { exact: true }
    )
  }),
  script: Schema.Struct({
    token: Schema.String,
    endpoint: FakeEndpoint,
    behaviour: Schema.Union(FakeBehaviour, Schema.NonEmptyArray(FakeBehaviour))
  }),
  latency: Schema.Struct({ ms: Schema.NonNegative }),
  count: Schema.Struct({ token: Schema.String, endpoint: FakeEndpoint })
}

/** A control answer: status and JSON. */
export interface ControlReply {
  readonly status: number
  readonly json: unknown
}

const decoded = <A, I>(schema: Schema.Schema<A, I>, input: unknown, apply: (command: A) => unknown): ControlReply =>
  Either.match(Schema.decodeUnknownEither(schema)(input), {
    onLeft: (error) => ({ status: 400, json: { message: error.message } }),
    onRight: (command) => ({ status: 200, json: apply(command) ?? { ok: true } })
  })

/**
 * The fake's HTTP control surface, so that a fake in another process can be scripted:
 * `POST /__fake/{allow,script,latency,reset}` with the JSON of the matching method, and
 * `GET /__fake/count?token=…&endpoint=…` → `{ "count": n }`.
 */
export const handleControl = (script: FakeScript, command: string, input: unknown): ControlReply => {
  switch (command) {
    case "allow":
      return decoded(Commands.allow, input, ({ token, ...account }) => script.allow(token, account))
    case "script":
      return decoded(Commands.script, input, ({ token, endpoint, behaviour }) =>
        script.script(token, endpoint, behaviour)
      )
    case "latency":
      return decoded(Commands.latency, input, ({ ms }) => script.setLatency(ms))
    case "count":
      return decoded(Commands.count, input, ({ token, endpoint }) => ({ count: script.count(token, endpoint) }))
    case "reset":
      script.reset()
      return { status: 200, json: { ok: true } }
    default:
      return { status: 404, json: { message: `no control command ${command}` } }
  }
}

/** A fake GitHub in another process, scripted over its control surface. */
export interface RemoteFakeGitHub {
  readonly url: string
  allow(token: string, account: FakeAccount): Promise<void>
  script(token: string, endpoint: FakeEndpoint, behaviour: FakeBehaviour | ReadonlyArray<FakeBehaviour>): Promise<void>
  setLatency(ms: number): Promise<void>
  count(token: string, endpoint: FakeEndpoint): Promise<number>
  reset(): Promise<void>
}

/** Connects to a fake GitHub's control surface at `url` (as printed by its CLI). */
export const remoteFakeGitHub = (url: string): RemoteFakeGitHub => {
  const call = async (command: string, input: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${controlPrefix}${command}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input)
    })
    const reply: unknown = await response.json()
    if (!response.ok) throw new Error(`fake GitHub refused ${command}: ${JSON.stringify(reply)}`)
    return reply
  }
  return {
    url,
    allow: async (token, account) => void (await call("allow", { token, ...account })),
    script: async (token, endpoint, behaviour) => void (await call("script", { token, endpoint, behaviour })),
    setLatency: async (ms) => void (await call("latency", { ms })),
    count: async (token, endpoint) => {
      const reply = await call("count", { token, endpoint })
      return Schema.decodeUnknownSync(Schema.Struct({ count: Schema.Number }))(reply).count
    },
    reset: async () => void (await call("reset", {}))
  }
}
