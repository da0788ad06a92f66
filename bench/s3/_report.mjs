// Writes one benchmark's section of docs/benchmarks/s3.md between its markers, keeping the rest.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const doc = fileURLToPath(new URL('../../docs/benchmarks/s3.md', import.meta.url))

/** Replaces (or appends) the section named `name` with `markdown`. */
export function writeSection(name, markdown) {
  const start = `<!-- bench:${name}:start -->`
  const end = `<!-- bench:${name}:end -->`
  const block = `${start}\n${markdown.trim()}\n${end}`
  let text = existsSync(doc) ? readFileSync(doc, 'utf8') : '# S3 benchmarks (issue 3)\n'
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  text = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`
  writeFileSync(doc, text)
  console.log(`(written to docs/benchmarks/s3.md, section ${name})`)
}
