/** How the programs' own text reaches a person: plain where colour is not wanted, usage as typed. */
export * as CliConsole from "./CliConsole.js"
