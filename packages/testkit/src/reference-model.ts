import { ancestorsOf, isWithin, parentPath } from '@volumes/core'

/** Outcome of one operation: a value or an error code. */
export type Outcome = { ok: unknown } | { code: string }

/**
 * An in-memory reference model of a volume's POSIX rules, as simple as can be:
 * a map from normalised path to a file's content or a directory. The real store
 * must give the same outcome for every operation sequence.
 */
export class ReferenceVolume {
  readonly entries = new Map<string, { type: 'file'; content: string } | { type: 'directory' }>([['/', { type: 'directory' }]])

  write(path: string, content: string): Outcome {
    if (this.#isDir(path)) return { code: 'EISDIR' }
    const blocked = this.#fileAncestor(path)
    if (blocked) return { code: 'ENOTDIR' }
    for (const ancestor of ancestorsOf(path)) this.entries.set(ancestor, { type: 'directory' })
    this.entries.set(path, { type: 'file', content })
    return { ok: content.length }
  }

  read(path: string): Outcome {
    const entry = this.entries.get(path)
    if (entry?.type === 'directory') return { code: 'EISDIR' }
    if (entry) return { ok: entry.content }
    return { code: this.#missingCode(path) }
  }

  mkdir(path: string, force: boolean): Outcome {
    const entry = this.entries.get(path)
    if (entry?.type === 'file') return { code: 'EEXIST' }
    if (entry) return force ? { ok: 'directory' } : { code: 'EEXIST' }
    if (this.#fileAncestor(path)) return { code: 'ENOTDIR' }
    if (!force && !this.entries.has(parentPath(path))) return { code: 'ENOENT' }
    for (const ancestor of [...ancestorsOf(path), path]) this.entries.set(ancestor, { type: 'directory' })
    return { ok: 'directory' }
  }

  remove(path: string, recursive: boolean): Outcome {
    if (path === '/') return { code: 'EINVAL' }
    const entry = this.entries.get(path)
    if (!entry) return { code: this.#missingCode(path) }
    const below = [...this.entries.keys()].filter((p) => p !== path && isWithin(p, path))
    if (entry.type === 'directory' && below.length > 0 && !recursive) return { code: 'ENOTEMPTY' }
    for (const p of [path, ...below]) this.entries.delete(p)
    return { ok: true }
  }

  rename(from: string, to: string): Outcome {
    if (from === '/' || to === '/') return { code: 'EINVAL' }
    if (from !== to && isWithin(to, from)) return { code: 'EINVAL' }
    const source = this.entries.get(from)
    if (!source) return { code: this.#missingCode(from) }
    if (from === to) return { ok: source.type }
    const parent = this.entries.get(parentPath(to))
    if (!parent) return { code: this.#missingCode(parentPath(to)) }
    if (parent.type === 'file') return { code: 'ENOTDIR' }
    const target = this.entries.get(to)
    if (target) {
      if (source.type === 'file' && target.type === 'directory') return { code: 'EISDIR' }
      if (source.type === 'directory' && target.type === 'file') return { code: 'ENOTDIR' }
      if (target.type === 'directory' && [...this.entries.keys()].some((p) => p !== to && isWithin(p, to))) return { code: 'ENOTEMPTY' }
    }
    const moving = [...this.entries.entries()].filter(([p]) => isWithin(p, from))
    for (const [p] of moving) this.entries.delete(p)
    this.entries.delete(to)
    for (const [p, entry] of moving) this.entries.set(to + p.slice(from.length), entry)
    return { ok: source.type }
  }

  list(path: string): Outcome {
    const entry = this.entries.get(path)
    if (!entry) return { code: this.#missingCode(path) }
    if (entry.type === 'file') return { code: 'ENOTDIR' }
    const children = [...this.entries.entries()].filter(([p]) => p !== '/' && parentPath(p) === path && p !== path)
    return { ok: children.map(([p, e]) => `${p}:${e.type}`).sort() }
  }

  #isDir(path: string): boolean {
    return this.entries.get(path)?.type === 'directory'
  }

  #fileAncestor(path: string): boolean {
    return ancestorsOf(path).some((ancestor) => this.entries.get(ancestor)?.type === 'file')
  }

  #missingCode(path: string): string {
    return this.#fileAncestor(path) ? 'ENOTDIR' : 'ENOENT'
  }
}
