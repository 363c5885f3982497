import type { ParseResult } from "effect"

// Every path in the issue tree that ends in a leaf issue; a new kind of issue fails to
// compile here. The tree is as deep as the schema, not as the input: decoding stops at the
// first value of the wrong type.
const leafPaths = (issue: ParseResult.ParseIssue, path: ReadonlyArray<PropertyKey>): ReadonlyArray<string> => {
  switch (issue._tag) {
    case "Type":
    case "Missing":
    case "Unexpected":
    case "Forbidden":
      return [path.map(String).join(".") || "(root)"]
    case "Pointer":
      return leafPaths(issue.issue, path.concat(issue.path))
    case "Refinement":
    case "Transformation":
      return leafPaths(issue.issue, path)
    case "Composite":
      return (Array.isArray(issue.issues) ? issue.issues : [issue.issues]).flatMap((inner) => leafPaths(inner, path))
  }
}

/**
 * Where a body does not fit its synapse: the paths of the wrong fields (`dendrite.nonce`,
 * `(root)`), never their values, which may hold a token. Effect's formatters describe each
 * wrong value, and a value nested thousands deep overflows the stack while being described
 * (docs/protocol.md, "Body": 400 at any nesting depth); paths alone are read off the issue tree.
 */
export const wrongFields = (error: ParseResult.ParseError): string => [...new Set(leafPaths(error.issue, []))].join(", ")
