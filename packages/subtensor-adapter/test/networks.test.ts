import { isIPv6 } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { Either, FastCheck, Option } from "effect"
import { chainTarget, describeTarget, ipText, networkFacts } from "../src/index.js"

describe("chainTarget: --subtensor.network and --subtensor.chain_endpoint as the SDK reads them", () => {
  it("a network alone is its entrypoint, with its genesis checked; nothing at all is finney", () => {
    assert.deepStrictEqual(Either.getOrThrow(chainTarget(Option.some("test"), Option.none())), {
      endpoint: "wss://test.finney.opentensor.ai:443",
      network: Option.some("test")
    })
    assert.deepStrictEqual(Either.getOrThrow(chainTarget(Option.none(), Option.none())), {
      endpoint: "wss://entrypoint-finney.opentensor.ai:443",
      network: Option.some("finney")
    })
    assert.strictEqual(networkFacts.local.endpoint, "ws://127.0.0.1:9944")
    assert.isTrue(Option.isNone(networkFacts.local.genesisHash))
  })

  it("an endpoint wins; a network named beside it is the chain that endpoint must serve", () => {
    assert.deepStrictEqual(Either.getOrThrow(chainTarget(Option.none(), Option.some("ws://10.0.0.5:9944"))), {
      endpoint: "ws://10.0.0.5:9944",
      network: Option.none()
    })
    const own = Either.getOrThrow(chainTarget(Option.some("finney"), Option.some("wss://node.example:443")))
    assert.deepStrictEqual(own.network, Option.some("finney"))
    assert.strictEqual(describeTarget(own), "finney at wss://node.example:443")
    assert.strictEqual(describeTarget(Either.getOrThrow(chainTarget(Option.some("finney"), Option.none()))), "finney")
    assert.strictEqual(describeTarget(Either.getOrThrow(chainTarget(Option.none(), Option.some("ws://h:1")))), "ws://h:1")
  })

  it("an endpoint that is no ws(s) URL is refused with the reason", () => {
    for (const bad of ["http://127.0.0.1:9944", "127.0.0.1:9944", "ws://", "wss:// spaced", ""]) {
      const result = chainTarget(Option.none(), Option.some(bad))
      assert.isTrue(Either.isLeft(result), bad)
      assert.include(Either.getLeft(result).pipe(Option.getOrThrow), "ws://HOST:PORT or wss://HOST:PORT")
    }
  })
})

describe("ipText: the chain's u128 ip as the SDK writes it", () => {
  it("IPv4 when it fits, 0 as 0.0.0.0, IPv4-mapped IPv6 in dotted form", () => {
    assert.strictEqual(ipText(0n), "0.0.0.0")
    assert.strictEqual(ipText(0xc0de3b6dn), "192.222.59.109")
    assert.strictEqual(ipText(2n ** 32n - 1n), "255.255.255.255")
    assert.strictEqual(ipText(2n ** 32n), "::1:0:0")
    assert.strictEqual(ipText(0xffffc0000201n), "::ffff:192.0.2.1")
    assert.strictEqual(ipText(2n ** 128n - 1n), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
    assert.strictEqual(ipText(0x20010db8000000010000000000000001n), "2001:db8:0:1::1")
    assert.strictEqual(ipText(0x20010db8000000000001000000000001n), "2001:db8::1:0:0:1")
  })

  // Expands "::" and reads the eight groups back.
  const groupsValue = (text: string): bigint => {
    const [head = "", tail] = text.split("::")
    const left = head === "" ? [] : head.split(":")
    const right = tail === undefined || tail === "" ? [] : tail.split(":")
    const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    return groups.reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n)
  }

  const u128 = FastCheck.bigInt({ min: 2n ** 32n, max: 2n ** 128n - 1n })
  const sparse = FastCheck.array(FastCheck.constantFrom(0, 0, 0, 1, 0xdb8, 0xffff), { minLength: 8, maxLength: 8 }).map(
    (groups) => groups.reduce((ip, g) => (ip << 16n) | BigInt(g), 0n)
  )

  it.prop(
    "beyond 32 bits: the shortest IPv6 form, as the WHATWG URL parser writes it (mapped addresses aside)",
    [FastCheck.oneof(u128, sparse).filter((ip) => ip >= 2n ** 32n && ip >> 32n !== 0xffffn)],
    ([ip]) => {
      const text = ipText(ip)
      assert.isTrue(isIPv6(text), text)
      assert.strictEqual(new URL(`http://[${text}]/`).hostname, `[${text}]`)
      assert.strictEqual(groupsValue(text), ip)
    },
    { fastCheck: { numRuns: 500 } }
  )
})
