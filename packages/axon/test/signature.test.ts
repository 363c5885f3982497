import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import {
  EMPTY_BODY_HASH,
  keypairFromMnemonic,
  signatureMessage,
  signRequest,
  signResponse,
  verifyRequest,
  verifyResponse,
  verifySignature
} from "../src/index.js"
import { BTWALLET, SUBSTRATE_DEV } from "./vectors.js"

const keys = Effect.all({
  dendrite: keypairFromMnemonic(SUBSTRATE_DEV.mnemonic),
  axon: keypairFromMnemonic(BTWALLET.mnemonic)
})

describe("request signatures", () => {
  it("the message is Python's nonce.dendrite.axon.uuid.bodyhash", () => {
    assert.strictEqual(
      signatureMessage({ nonce: 7n, dendriteHotkey: "D", axonHotkey: "A", uuid: "U", bodyHash: "H" }),
      "7.D.A.U.H"
    )
  })

  it.effect("verify accepts a good signature and rejects any changed part", () =>
    Effect.gen(function* () {
      const { axon, dendrite } = yield* keys
      const request = {
        nonce: 1764172800123456789n,
        dendriteHotkey: dendrite.address,
        axonHotkey: axon.address,
        uuid: "5ecbd69c-1cec-11ee-b0dc-e29ce36fec1a",
        bodyHash: EMPTY_BODY_HASH
      }
      const signature = signRequest(dendrite, request)
      assert.match(signature, /^0x[0-9a-f]{128}$/)
      assert.isTrue(verifyRequest({ ...request, signature }))
      assert.isTrue(verifyRequest({ ...request, signature: signature.slice(2) }))
      const changed = [
        { ...request, nonce: request.nonce + 1n },
        { ...request, dendriteHotkey: axon.address },
        { ...request, axonHotkey: dendrite.address },
        { ...request, uuid: "5ecbd69c-1cec-11ee-b0dc-e29ce36fec1b" },
        { ...request, bodyHash: "0".repeat(64) }
      ]
      for (const variant of changed) assert.isFalse(verifyRequest({ ...variant, signature }))
    })
  )

  it.effect("accepts the <Bytes> wrapping polkadot.js signers add", () =>
    Effect.gen(function* () {
      const { dendrite } = yield* keys
      const message = "1.a.b.c.d"
      const wrapped = Buffer.from(dendrite.sign(`<Bytes>${message}</Bytes>`)).toString("hex")
      assert.isTrue(verifySignature(dendrite.address, message, `0x${wrapped}`))
      assert.isFalse(verifySignature(dendrite.address, "1.a.b.c.e", `0x${wrapped}`))
    })
  )

  it.effect("malformed signatures and addresses are simply invalid", () =>
    Effect.gen(function* () {
      const { dendrite } = yield* keys
      const good = Buffer.from(dendrite.sign("m")).toString("hex")
      for (const signature of ["", "0x", "Test", `0x${good.slice(2)}`, `0x${good}00`, `0x${"00".repeat(64)}`]) {
        assert.isFalse(verifySignature(dendrite.address, "m", signature), signature)
      }
      assert.isFalse(verifySignature("5NotAnAddress", "m", `0x${good}`))
      assert.isTrue(verifySignature(dendrite.address, "m", `0x${good}`))
    })
  )

  it.effect("the axon's response signature verifies and binds its parts", () =>
    Effect.gen(function* () {
      const { axon, dendrite } = yield* keys
      const input = { axonNonce: 99n, dendriteHotkey: dendrite.address, axonUuid: "axon-uuid" }
      const signature = signResponse(axon, input)
      assert.isTrue(verifyResponse({ ...input, axonHotkey: axon.address, signature }))
      assert.isFalse(verifyResponse({ ...input, axonNonce: 100n, axonHotkey: axon.address, signature }))
      assert.isFalse(verifyResponse({ ...input, axonHotkey: dendrite.address, signature }))
    })
  )
})
