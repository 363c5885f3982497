import { spawn } from "node:child_process"
import { once } from "node:events"
import { type IncomingHttpHeaders, get as httpGet } from "node:http"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { type FakeGitHubServer, remoteFakeGitHub, startFakeGitHub } from "../src/index.js"

let fake: FakeGitHubServer
beforeEach(async () => {
  fake = await startFakeGitHub()
})
afterEach(() => fake.close())

const get = (url: string, token: string, init: RequestInit = {}) =>
  fetch(`${url}/user`, { ...init, headers: { authorization: `token ${token}` } })
const graphql = (url: string, token: string) =>
  fetch(`${url}/graphql`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: "{}" })

describe("the fake GitHub, from plain async code", () => {
  it("listens on 127.0.0.1 and answers unknown tokens like GitHub", async () => {
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    for (const response of [await get(fake.url, "who"), await graphql(fake.url, "who")]) {
      assert.strictEqual(response.status, 401)
      assert.deepInclude(await response.json(), { message: "Bad credentials" })
    }
    assert.strictEqual((await fetch(`${fake.url}/repos`)).status, 404)
  })

  it("lets an allowed token through on both endpoints", async () => {
    fake.allow("tok", { id: 42, login: "octocat" })
    assert.deepInclude(await (await get(fake.url, "tok")).json(), { id: 42, login: "octocat" })
    assert.deepStrictEqual(await (await graphql(fake.url, "tok")).json(), { data: { viewer: { login: "octocat" } } })
  })

  it("sends the token's scopes, expiry and rate limit as GitHub does, on both endpoints and both paths", async () => {
    fake.allow("classic", {
      id: 1,
      login: "a",
      scopes: ["repo", "read:org"],
      expiresAt: "2026-06-01 00:00:00 UTC",
      rateLimit: { limit: 5000, remaining: 4321, reset: 1780000000 }
    })
    fake.allow("plain", { id: 2, login: "b" })
    fake.allow("fine", { id: 3, login: "c", scopes: null })
    // Without keep-alive node:http asks to close the connection, so the fake answers it
    // through node:http instead of its fast path: both must send the same headers.
    const closing = (token: string) =>
      new Promise<IncomingHttpHeaders>((resolve, reject) => {
        httpGet(`${fake.url}/user`, { agent: false, headers: { authorization: `token ${token}` } }, (response) => {
          response.resume()
          resolve(response.headers)
        }).on("error", reject)
      })
    const classic = (await get(fake.url, "classic")).headers
    assert.strictEqual(classic.get("x-oauth-scopes"), "repo, read:org")
    assert.strictEqual(classic.get("github-authentication-token-expiration"), "2026-06-01 00:00:00 UTC")
    assert.strictEqual(classic.get("x-ratelimit-limit"), "5000")
    assert.strictEqual(classic.get("x-ratelimit-remaining"), "4321")
    assert.strictEqual(classic.get("x-ratelimit-reset"), "1780000000")
    assert.deepInclude(await closing("classic"), {
      "x-oauth-scopes": "repo, read:org",
      "github-authentication-token-expiration": "2026-06-01 00:00:00 UTC",
      "x-ratelimit-remaining": "4321"
    })
    assert.strictEqual((await graphql(fake.url, "classic")).headers.get("x-oauth-scopes"), "repo, read:org")

    const plain = (await get(fake.url, "plain")).headers
    assert.strictEqual(plain.get("x-oauth-scopes"), "", "a classic token with no scope gets an empty header")
    assert.isNull(plain.get("github-authentication-token-expiration"))
    assert.strictEqual(plain.get("x-ratelimit-limit"), "5000")
    assert.isAbove(Number(plain.get("x-ratelimit-reset")), Date.now() / 1000)

    assert.isNull((await get(fake.url, "fine")).headers.get("x-oauth-scopes"), "a fine-grained token gets none")
    assert.notProperty(await closing("fine"), "x-oauth-scopes")
    const remote = remoteFakeGitHub(fake.url)
    await remote.allow("remote", { id: 4, login: "d", scopes: ["gist"], expiresAt: "2026-07-01 00:00:00 +0200" })
    const remoteHeaders = (await get(fake.url, "remote")).headers
    assert.strictEqual(remoteHeaders.get("x-oauth-scopes"), "gist")
    assert.strictEqual(remoteHeaders.get("github-authentication-token-expiration"), "2026-07-01 00:00:00 +0200")
  })

  it("plays a sequence whose last step repeats, counting per token and endpoint", async () => {
    fake.allow("tok", { id: 1, login: "a" })
    fake.script("tok", "user", [{ status: 503 }, { status: 200, body: "raw", headers: { "retry-after": "3" } }])
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await get(fake.url, "tok")).status)
    assert.deepStrictEqual(statuses, [503, 200, 200])
    const raw = await get(fake.url, "tok")
    assert.strictEqual(raw.headers.get("retry-after"), "3")
    assert.strictEqual(await raw.text(), "raw")
    assert.strictEqual((await graphql(fake.url, "tok")).status, 200)
    assert.strictEqual(fake.count("tok", "user"), 4)
    assert.strictEqual(fake.count("tok", "graphql"), 1)
    fake.reset()
    assert.strictEqual(fake.count("tok", "user"), 0)
    assert.strictEqual((await get(fake.url, "tok")).status, 401)
  })

  it("delays answers, hangs, and resets connections", async () => {
    fake.setLatency(150)
    fake.allow("tok", { id: 1, login: "a" })
    const start = Date.now()
    assert.strictEqual((await get(fake.url, "tok")).status, 200)
    assert.isAtLeast(Date.now() - start, 140)
    fake.script("tok", "user", "hang")
    const hung = await get(fake.url, "tok", { signal: AbortSignal.timeout(200) }).catch((e: Error) => e.name)
    assert.strictEqual(hung, "TimeoutError")
    fake.script("tok", "user", "reset")
    const reset = await get(fake.url, "tok").catch((e: Error) => e.name)
    assert.strictEqual(reset, "TypeError")
  })

  it("is scripted over its HTTP control surface, and refuses malformed commands", async () => {
    const remote = remoteFakeGitHub(fake.url)
    await remote.allow("tok", { id: "77", login: "remote" })
    await remote.script("tok", "graphql", [{ status: 502 }, "reset", { status: 200, json: { data: null } }])
    assert.deepInclude(await (await get(fake.url, "tok")).json(), { id: "77" })
    assert.strictEqual((await graphql(fake.url, "tok")).status, 502)
    assert.strictEqual(await remote.count("tok", "graphql"), 1)
    await remote.setLatency(0)
    await remote.reset()
    assert.strictEqual(await remote.count("tok", "graphql"), 0)
    const bad = await fetch(`${fake.url}/__fake/script`, { method: "POST", body: '{"token":"t","endpoint":"nope"}' })
    assert.strictEqual(bad.status, 400)
    assert.strictEqual((await fetch(`${fake.url}/__fake/what`, { method: "POST" })).status, 404)
  })
})

describe("the fake GitHub's CLI", () => {
  it("prints its URL and serves the tokens it was told to allow", async () => {
    const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url))
    const child = spawn(process.execPath, ["--import", "tsx", cli, "--allow", "clitok:9:cli"], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    try {
      const [url] = (await once(createInterface({ input: child.stdout }), "line")) as [string]
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.deepInclude(await (await get(url, "clitok")).json(), { id: 9, login: "cli" })
      assert.strictEqual(await remoteFakeGitHub(url).count("clitok", "user"), 1)
    } finally {
      child.kill("SIGTERM")
    }
    const [code] = await once(child, "exit")
    assert.strictEqual(code, 0)
  })
})
