import { chmod, chown, lchown, lstat, lutimes, mkdir, readFile, readlink, symlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Volume } from '@volumes/core'

/** One entry of the tree every interop test writes with one tool and reads with another. */
export interface InteropEntry {
  readonly path: string
  readonly type: 'file' | 'directory' | 'symlink'
  readonly mode: number
  readonly uid: number
  readonly gid: number
  /** Whole seconds: every tool keeps at least those. */
  readonly mtime: Date
  readonly content?: string
  readonly target?: string
}

/** What a reader saw of one entry (`undefined` fields: not there, or not readable). */
export interface SeenEntry {
  readonly type?: 'file' | 'directory' | 'symlink' | undefined
  readonly size?: number | undefined
  readonly content?: string | undefined
  readonly mode?: number | undefined
  readonly uid?: number | undefined
  readonly gid?: number | undefined
  readonly mtime?: Date | undefined
  readonly target?: string | undefined
}

const at = (seconds: number): Date => new Date(Date.UTC(2021, 2, 4, 5, 6, 7) + seconds * 1000)
const file = (path: string, mode: number, content: string, seconds: number, uid = 0, gid = 0): InteropEntry => ({ path, type: 'file', mode, uid, gid, mtime: at(seconds), content })
const dir = (path: string, mode: number, seconds: number): InteropEntry => ({ path, type: 'directory', mode, uid: 0, gid: 0, mtime: at(seconds) })

/**
 * The tree: modes 0600/0444/04755/02750 on files and 01777 on a directory, an owner that is
 * not root, a symlink, an empty directory and unicode names. Parents come before children.
 */
export const interopTree: readonly InteropEntry[] = [
  dir('/modes', 0o755, 100),
  file('/modes/0600.txt', 0o600, 'private\n', 1),
  file('/modes/0444.txt', 0o444, 'read only\n', 2),
  file('/modes/4755.bin', 0o4755, '#!/bin/sh\necho setuid\n', 3),
  file('/modes/2750.bin', 0o2750, '#!/bin/sh\necho setgid\n', 4),
  dir('/modes/sticky', 0o1777, 5),
  file('/owned.txt', 0o640, 'owned by 1000:1001\n', 6, 1000, 1001),
  { path: '/link', type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: at(7), target: 'owned.txt' },
  dir('/empty', 0o700, 8),
  dir('/ünïcödé', 0o755, 9),
  file('/ünïcödé/ファイル ✓.txt', 0o644, 'unicode\n', 10),
  file('/times.txt', 0o644, 'old\n', -500_000_000),
]

/** Writes the tree with the library: modes, owners and times as given. */
export async function writeTreeToVolume(volume: Volume, tree: readonly InteropEntry[] = interopTree): Promise<void> {
  for (const entry of tree) {
    const owner = { mode: entry.mode, uid: entry.uid, gid: entry.gid }
    if (entry.type === 'directory') await volume.makeDir(entry.path, { ...owner, force: true })
    else if (entry.type === 'symlink') await volume.symlink(entry.target!, entry.path, { uid: entry.uid, gid: entry.gid })
    else await volume.writeFile(entry.path, entry.content!, { ...owner, mtime: entry.mtime })
  }
  // directory times last, children first: writing a child changes nothing here, but keep POSIX order
  for (const entry of [...tree].reverse()) if (entry.type !== 'file') await volume.setTimes(entry.path, { mtime: entry.mtime, atime: entry.mtime })
}

/**
 * Writes the tree through a file system (a FUSE mount, or a local directory a tool uploads).
 * Each step a file system refuses is recorded, not thrown: what a tool cannot store shows as a miss.
 */
export async function writeTreeToDirectory(root: string, tree: readonly InteropEntry[] = interopTree): Promise<string[]> {
  const refused: string[] = []
  const attempt = async (what: string, step: () => Promise<unknown>): Promise<void> => {
    try {
      await step()
    } catch (error) {
      refused.push(`${what}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }
  for (const entry of tree) {
    const path = join(root, entry.path)
    if (entry.type === 'directory') await mkdir(path, { recursive: true })
    else if (entry.type === 'symlink') await attempt(`symlink ${entry.path}`, () => symlink(entry.target!, path))
    else await writeFile(path, entry.content!)
    // chown before chmod: a chown clears the setuid and setgid bits
    await attempt(`chown ${entry.path}`, () => (entry.type === 'symlink' ? lchown(path, entry.uid, entry.gid) : chown(path, entry.uid, entry.gid)))
    if (entry.type !== 'symlink') await attempt(`chmod ${entry.path}`, () => chmod(path, entry.mode))
    if (entry.type === 'file') await attempt(`utimes ${entry.path}`, () => utimes(path, entry.mtime, entry.mtime))
  }
  for (const entry of [...tree].reverse()) {
    if (entry.type === 'file') continue
    const path = join(root, entry.path)
    await attempt(`utimes ${entry.path}`, () => (entry.type === 'symlink' ? lutimes(path, entry.mtime, entry.mtime) : utimes(path, entry.mtime, entry.mtime)))
  }
  return refused
}

/** What a volume shows of each entry of the tree. */
export async function readTreeFromVolume(volume: Volume, tree: readonly InteropEntry[] = interopTree): Promise<Map<string, SeenEntry>> {
  const seen = new Map<string, SeenEntry>()
  for (const entry of tree) {
    const info = await volume.getInfo(entry.path).catch(() => undefined)
    if (!info) {
      seen.set(entry.path, {})
      continue
    }
    const content = info.type === 'file' ? await volume.readFile(entry.path) : undefined
    seen.set(entry.path, { type: info.type, size: info.size, content, mode: info.mode, uid: info.uid, gid: info.gid, mtime: info.mtime, target: info.target })
  }
  return seen
}

/** What a file system (a mount, or a tool's download) shows of each entry of the tree. */
export async function readTreeFromDirectory(root: string, tree: readonly InteropEntry[] = interopTree): Promise<Map<string, SeenEntry>> {
  const seen = new Map<string, SeenEntry>()
  for (const entry of tree) {
    const path = join(root, entry.path)
    const stats = await lstat(path).catch(() => undefined)
    if (!stats) {
      seen.set(entry.path, {})
      continue
    }
    const type = stats.isSymbolicLink() ? 'symlink' : stats.isDirectory() ? 'directory' : 'file'
    seen.set(entry.path, {
      type,
      size: stats.size,
      content: type === 'file' ? await readFile(path, 'utf8').catch(() => undefined) : undefined,
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
      mtime: stats.mtime,
      target: type === 'symlink' ? await readlink(path).catch(() => undefined) : undefined,
    })
  }
  return seen
}
