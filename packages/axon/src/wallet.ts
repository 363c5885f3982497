import { homedir } from "node:os"
import { dirname, join } from "node:path"
import { FileSystem } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Either, Schema } from "effect"
import { WalletError } from "./errors.js"
import {
  canonicalPrivateKey,
  type Keypair,
  keypairFromMnemonic,
  keypairFromPrivateKey,
  keypairFromSeed,
  secretOf,
  toHex
} from "./Keypair.js"

/** Where a Bittensor hotkey lives: `<path>/<name>/hotkeys/<hotkey>`. */
export interface HotkeyLocation {
  /** The wallets folder, e.g. `~/.bittensor/wallets` (`~` is expanded). */
  readonly path: string
  readonly name: string
  readonly hotkey: string
}

/** The hotkey file of a location, with `~` expanded. */
export const hotkeyFile = (location: HotkeyLocation): string => {
  const root = location.path === "~" || location.path.startsWith("~/")
    ? join(homedir(), location.path.slice(1))
    : location.path
  return join(root, location.name, "hotkeys", location.hotkey)
}

// bittensor-wallet reads the keyfile as a map of string-or-null values.
const Keyfile = Schema.parseJson(
  Schema.Struct({
    secretPhrase: Schema.optional(Schema.NullOr(Schema.String)),
    secretSeed: Schema.optional(Schema.NullOr(Schema.String)),
    privateKey: Schema.optional(Schema.NullOr(Schema.String)),
    ss58Address: Schema.optional(Schema.NullOr(Schema.String))
  })
)

const ENCRYPTION_MARKERS: ReadonlyArray<readonly [string, string]> = [
  ["$NACL", "NaCl"],
  ["$ANSIBLE_VAULT", "Ansible Vault"],
  ["gAAAAA", "legacy Fernet"]
]

const failure = (file: string, reason: WalletError["reason"], detail: string) =>
  new WalletError({ path: file, reason, detail })

const readFailure = (file: string, location: HotkeyLocation) => (error: PlatformError) =>
  error._tag === "SystemError" && error.reason === "NotFound"
    ? failure(
        file,
        "not-found",
        `not found. Create it with \`btcli wallet new_hotkey --wallet.name ${location.name} --wallet.hotkey ${location.hotkey}\`, or point --wallet.path/--wallet.name/--wallet.hotkey at an existing one.`
      )
    : failure(file, "unreadable", `cannot be read (${error._tag === "SystemError" ? error.reason : "bad argument"}).`)

/**
 * Reads a Bittensor hotkey file and derives its sr25519 keypair the way bittensor-wallet
 * does (`secretPhrase`, else `secretSeed`, else `privateKey`), refusing a file whose
 * `ss58Address` names another key. Encrypted files are refused. A file that group or
 * others can read is used, with a warning.
 */
export const readHotkey = Effect.fn("Wallet.readHotkey")(function* (location: HotkeyLocation) {
  const fs = yield* FileSystem.FileSystem
  const file = hotkeyFile(location)
  const info = yield* Effect.mapError(fs.stat(file), readFailure(file, location))
  const text = yield* Effect.mapError(fs.readFileString(file), readFailure(file, location))
  const encryption = ENCRYPTION_MARKERS.find(([marker]) => text.startsWith(marker))
  if (encryption !== undefined) {
    return yield* failure(
      file,
      "encrypted",
      `is encrypted (${encryption[1]}). A validator or miner hotkey must be unencrypted: regenerate it without a password (\`btcli wallet regen_hotkey --no-use-password\`).`
    )
  }
  const parsed = Schema.decodeUnknownEither(Keyfile)(text)
  if (Either.isLeft(parsed)) {
    return yield* failure(
      file,
      "malformed",
      "is not a Bittensor keyfile: expected JSON with `secretPhrase`, `secretSeed` or `privateKey` (strings) and `ss58Address` (format: docs/wallet.md)."
    )
  }
  const { privateKey, secretPhrase, secretSeed, ss58Address } = parsed.right
  const derive = secretPhrase
    ? ["secretPhrase", keypairFromMnemonic(secretPhrase)] as const
    : secretSeed
      ? ["secretSeed", keypairFromSeed(secretSeed)] as const
      : privateKey
        ? ["privateKey", keypairFromPrivateKey(privateKey, ss58Address ?? "")] as const
        : undefined
  if (derive === undefined) {
    return yield* failure(file, "no-secret", "holds no secret (`secretPhrase`, `secretSeed` or `privateKey`), so it cannot sign.")
  }
  const keypair = yield* Effect.mapError(derive[1], (error) =>
    failure(file, "malformed", `its \`${derive[0]}\` cannot be used: ${error.reason}.`)
  )
  if (ss58Address && ss58Address !== keypair.address) {
    return yield* failure(
      file,
      "address-mismatch",
      `its \`${derive[0]}\` derives ${keypair.address} but its \`ss58Address\` says ${ss58Address}; the file is inconsistent.`
    )
  }
  if ((info.mode & 0o077) !== 0) {
    yield* Effect.logWarning(
      `Hotkey file ${file} is readable by group or others (mode ${(info.mode & 0o777).toString(8)}); run \`chmod 600 ${file}\`.`
    )
  }
  return keypair
})

/** The keyfile JSON bittensor-wallet writes for an unencrypted keypair. */
const keyfileJson = (keypair: Keypair): string => {
  const { origin } = secretOf(keypair)
  return JSON.stringify({
    accountId: toHex(keypair.publicKey),
    publicKey: toHex(keypair.publicKey),
    privateKey: toHex(canonicalPrivateKey(keypair)),
    ...(origin.kind === "mnemonic" ? { secretPhrase: origin.mnemonic } : {}),
    ...(origin.kind === "private-key" ? {} : { secretSeed: toHex(origin.seed) }),
    ss58Address: keypair.address
  })
}

/**
 * Writes `keypair` as an unencrypted Bittensor hotkey file (mode 0600, folders created
 * 0700), replacing any file there atomically.
 */
export const writeHotkey = Effect.fn("Wallet.writeHotkey")(function* (location: HotkeyLocation, keypair: Keypair) {
  const fs = yield* FileSystem.FileSystem
  const file = hotkeyFile(location)
  const temp = `${file}.${process.pid}.tmp`
  const cannot = (error: PlatformError) =>
    failure(file, "write-failed", `cannot be written (${error._tag === "SystemError" ? error.reason : "bad argument"}).`)
  yield* Effect.mapError(fs.makeDirectory(dirname(file), { recursive: true, mode: 0o700 }), cannot)
  yield* Effect.mapError(fs.writeFileString(temp, keyfileJson(keypair), { mode: 0o600 }), cannot)
  yield* Effect.mapError(fs.chmod(temp, 0o600), cannot)
  yield* Effect.mapError(fs.rename(temp, file), cannot)
})
