// A series as `name{label="value",…}`: its name and its labels in a canonical order, since
// the order of labels in a sample line carries no meaning.
const canonical = (series: string): string => {
  const brace = series.indexOf("{")
  if (brace < 0) return series
  const labels = [...series.slice(brace + 1, -1).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(
    ([, name, value]) => `${name}="${value}"`
  )
  return `${series.slice(0, brace)}{${labels.sort().join(",")}}`
}

/** One sample of a Prometheus text exposition, parsed back: `name{labels} value`, labels in any order. */
export const sample = (text: string, series: string): number | undefined => {
  const wanted = canonical(series)
  const line = text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .find((l) => canonical(l.slice(0, l.lastIndexOf(" "))) === wanted)
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1))
}
