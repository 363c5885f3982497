import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join, posix } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"

// A user has only a clone of this repository: nothing in it may send them elsewhere on
// the machine it was written on, and every relative link in its markdown must lead to a
// file the clone holds.

const root = fileURLToPath(new URL("..", import.meta.url))

/** Every file git tracks, as a path from the root with `/` separators. */
const tracked: ReadonlyArray<string> = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
  .split("\0")
  .filter((path) => path !== "")

const trackedSet = new Set(tracked)
const trackedFolders = new Set(tracked.flatMap((path) => path.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))))

/** The text of a tracked file; undefined for a binary one (it holds a NUL byte). */
const textOf = (path: string): string | undefined => {
  const text = readFileSync(join(root, path), "utf8")
  return text.includes("\0") ? undefined : text
}

// Written so that this file does not spell what it looks for.
const outside: ReadonlyArray<readonly [string, RegExp]> = [
  ["a path into the shared folder beside the checkout", /\.\.\/shared\b/],
  ["an absolute path on the machine the project was written on", /(?<![\w.~-])\/work\//],
  ["a document that is not in the repository", /\b(?:CONTRAC[T]|DESIG[N]|STYL[E])\.md\b/],
  ["a clause of a document that is not in the repository", /\bCONTRAC[T]\b/]
]

/** `path:line: what` for each line of a tracked file that points outside the repository. */
const pointersOutside = (): ReadonlyArray<string> =>
  tracked.flatMap((path) => {
    const text = textOf(path)
    if (text === undefined) return []
    return text.split("\n").flatMap((line, index) =>
      outside.filter(([, pattern]) => pattern.test(line)).map(([what]) => `${path}:${index + 1}: ${what}`)
    )
  })

// Code is quoted, not linked: fenced blocks and inline spans are left out before links are read.
const prose = (markdown: string): string =>
  markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`+[^`\n]*`+/g, "")

/** The targets of a markdown text's inline links and link definitions. */
const linkTargets = (markdown: string): ReadonlyArray<string> => {
  const text = prose(markdown)
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!)
  const defined = [...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!)
  return [...inline, ...defined]
}

/** The anchors GitHub gives a markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
const anchorsOf = (markdown: string): ReadonlySet<string> => {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const [, heading] of prose(markdown.replace(/`([^`\n]*)`/g, "$1")).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-")
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

/** Why `target`, linked from `from`, does not lead to what a clone holds; undefined when it does. */
const brokenLink = (from: string, target: string): string | undefined => {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined
  const [pathPart = "", fragment] = target.split("#", 2)
  const path = decodeURIComponent(pathPart)
  const resolved = path === "" ? from : posix.normalize(posix.join(posix.dirname(from), path)).replace(/\/$/, "")
  if (resolved.startsWith("../") || resolved === "..") return "climbs above the repository's root"
  if (!trackedSet.has(resolved) && !trackedFolders.has(resolved)) return "names no file the repository tracks"
  if (fragment !== undefined && fragment !== "" && resolved.endsWith(".md")) {
    if (!anchorsOf(readFileSync(join(root, resolved), "utf8")).has(fragment.toLowerCase())) return `has no heading #${fragment}`
  }
  return undefined
}

const markdownFiles = tracked.filter((path) => path.endsWith(".md"))

describe("the repository stands on its own", () => {
  it("no tracked file points outside the repository", () => {
    assert.isAbove(tracked.length, 100, "git ls-files lists the repository")
    assert.deepStrictEqual(pointersOutside(), [])
  })

  it("every relative markdown link leads to a tracked file (and heading)", () => {
    assert.includeMembers(markdownFiles, ["README.md", "docs/README.md"])
    const broken = markdownFiles.flatMap((from) =>
      linkTargets(readFileSync(join(root, from), "utf8")).flatMap((target) => {
        const why = brokenLink(from, target)
        return why === undefined ? [] : [`${from}: (${target}) ${why}`]
      })
    )
    assert.deepStrictEqual(broken, [])
  })

  it("the checks catch what they are for", () => {
    const samples = [["../", "shared/x"], ["see /", "work/main"], ["DESI", "GN.md"], ["CONTR", "ACT §6"]].map((parts) => parts.join(""))
    assert.deepStrictEqual(
      outside.map(([, pattern], index) => pattern.test(samples[index]!)),
      outside.map(() => true)
    )
    assert.isFalse(outside.some(([, pattern]) => pattern.test("@gittensor-pat/worker-threads: INSECURE BY DESIGN")))
    assert.strictEqual(brokenLink("README.md", "../outside.md"), "climbs above the repository's root")
    assert.strictEqual(brokenLink("docs/README.md", "missing.md"), "names no file the repository tracks")
    assert.strictEqual(brokenLink("docs/README.md", "outcomes.md#no-such-heading"), "has no heading #no-such-heading")
    assert.isUndefined(brokenLink("docs/README.md", "outcomes.md#checks-patchecksynapse"))
    assert.isUndefined(brokenLink("docs/README.md", "../apps/miner"))
    assert.deepStrictEqual(linkTargets("[a](x.md) `[b](y.md)`\n```\n[c](z.md)\n```\n[d]: w.md"), ["x.md", "w.md"])
  })
})
