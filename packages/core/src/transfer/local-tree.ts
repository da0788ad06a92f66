import type { Stats } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'

/** A file or directory found under a local root. */
export interface LocalEntry {
  /** POSIX path relative to the root, without a leading slash. */
  readonly relative: string
  readonly stats: Stats
}

/** A local directory tree: directories parents-first, regular files, and what was skipped. */
export interface LocalTree {
  readonly directories: LocalEntry[]
  readonly files: LocalEntry[]
  readonly skipped: { path: string; reason: string }[]
}

/** Walks a local directory breadth-first (without following symlinks), collecting metadata only: the tree both `uploadDirectory`s (library and client) walk. */
export async function scanLocalTree(root: string, signal?: AbortSignal): Promise<LocalTree> {
  const tree: LocalTree = { directories: [], files: [], skipped: [] }
  const pending = ['']
  while (pending.length > 0) {
    signal?.throwIfAborted()
    const relativeDir = pending.shift()!
    const entries = await readdir(join(root, relativeDir), { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : 1))
    for (const entry of entries) {
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`
      if (entry.isDirectory()) {
        tree.directories.push({ relative, stats: await lstat(join(root, relative)) })
        pending.push(relative)
      } else if (entry.isFile()) {
        tree.files.push({ relative, stats: await lstat(join(root, relative)) })
      } else {
        tree.skipped.push({ path: relative, reason: entry.isSymbolicLink() ? 'symbolic link' : 'not a regular file' })
      }
    }
  }
  return tree
}
