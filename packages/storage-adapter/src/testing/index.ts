/** The in-memory `PatStore` with injectable faults, for tests; it lives in the core. */
export { InMemoryPatStore, type InMemoryPatStoreOptions, type StoreFaults } from "@gittensor-pat/core/testing"
export { type DiskFault, diskFull, diskReadOnly, failingDisk } from "./failingDisk.js"
