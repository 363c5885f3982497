import { inspect } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { canonicalPrivateKey, keypairFromMnemonic, keypairFromPrivateKey, keypairFromSeed } from "../src/index.js"
import { toHex } from "../src/Keypair.js"
import { BTWALLET, SUBSTRATE_DEV } from "./vectors.js"

describe("Keypair", () => {
  it.effect("derives Substrate's published dev address from its phrase", () =>
    Effect.gen(function* () {
      const keypair = yield* keypairFromMnemonic(SUBSTRATE_DEV.mnemonic)
      assert.strictEqual(keypair.address, SUBSTRATE_DEV.address)
      assert.strictEqual(toHex(keypair.publicKey), SUBSTRATE_DEV.publicKey)
    })
  )

  it.effect("matches bittensor-wallet's mnemonic and private-key vectors", () =>
    Effect.gen(function* () {
      const fromPhrase = yield* keypairFromMnemonic(BTWALLET.mnemonic)
      assert.strictEqual(fromPhrase.address, BTWALLET.address)
      assert.strictEqual(toHex(fromPhrase.publicKey), BTWALLET.publicKey)
      assert.strictEqual(toHex(canonicalPrivateKey(fromPhrase)), BTWALLET.privateKey)
      const fromPrivate = yield* keypairFromPrivateKey(BTWALLET.privateKey, BTWALLET.address)
      assert.strictEqual(fromPrivate.address, BTWALLET.address)
    })
  )

  it.effect("a mnemonic's mini secret as a seed gives the same key", () =>
    Effect.gen(function* () {
      const fromPhrase = yield* keypairFromMnemonic(`  ${SUBSTRATE_DEV.mnemonic.replaceAll(" ", "   ")} `)
      const fromSeed = yield* keypairFromSeed("0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e")
      assert.strictEqual(fromPhrase.address, SUBSTRATE_DEV.address)
      assert.strictEqual(fromSeed.address, SUBSTRATE_DEV.address)
    })
  )

  it.effect("refuses bad input without echoing it", () =>
    Effect.gen(function* () {
      const secretWords = "zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra"
      const attempts = [
        keypairFromMnemonic(secretWords),
        keypairFromSeed("0x1234"),
        keypairFromSeed("not hex at all"),
        keypairFromPrivateKey(BTWALLET.privateKey, SUBSTRATE_DEV.address),
        keypairFromPrivateKey(BTWALLET.privateKey, "not-an-address")
      ]
      for (const attempt of attempts) {
        const exit = yield* Effect.exit(attempt)
        assert.isTrue(Exit.isFailure(exit))
        const text = `${inspect(exit, { depth: 10 })} ${JSON.stringify(exit)}`
        assert.notInclude(text, "zebra")
        assert.notInclude(text, BTWALLET.privateKey.slice(2, 20))
      }
    })
  )

  it.effect("prints, serialises and inspects as its address only", () =>
    Effect.gen(function* () {
      const keypair = yield* keypairFromMnemonic(BTWALLET.mnemonic)
      const secretHex = BTWALLET.privateKey.slice(2, 18)
      for (const text of [
        String(keypair),
        JSON.stringify(keypair),
        JSON.stringify({ keypair }),
        inspect(keypair, { showHidden: true, depth: 10 }),
        inspect({ nested: [keypair] }, { showHidden: true, depth: 10 }),
        Object.keys(keypair).join(",")
      ]) {
        assert.notInclude(text, "leopard")
        assert.notInclude(text, secretHex)
      }
      assert.include(String(keypair), BTWALLET.address)
    })
  )
})
