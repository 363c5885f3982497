import { fileURLToPath } from "node:url"

/**
 * The example metagraph shipped in the repository, listing the dev validator and dev miners.
 * This module sits at the depth of `apps/<app>/src`, as the launcher's bundle sits below the
 * repository root, so the same relative path names the file from the sources and the bundle.
 */
export const EXAMPLE_METAGRAPH: string = fileURLToPath(new URL("../../../examples/metagraph.json", import.meta.url))
