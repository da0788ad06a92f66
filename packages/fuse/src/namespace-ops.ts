import { isVolumeError, VolumeError, type EntryInfo } from '@volumes/core'
import { PosixError } from './errno.js'
import type { FsState } from './fs-state.js'
import { statOf, type FuseStat } from './stat.js'

/** `statfs` as fuse-native takes it. */
export interface FuseStatfs {
  bsize: number
  frsize: number
  blocks: number
  bfree: number
  bavail: number
  files: number
  ffree: number
  favail: number
  namemax: number
}

const BLOCK = 4096
const UNLIMITED_BLOCKS = 2 ** 32 - 1
/** `utimensat`'s UTIME_NOW / UTIME_OMIT as fuse-native passes them (0 s + 2^30-1 or 2^30-2 ns, in ms). */
const UTIME_SPECIAL_MS = 1073

/** The operations on names and attributes: lookups, listings, directories, links, chmod, chown, utimens, statfs. */
export class NamespaceOps {
  constructor(private readonly state: FsState) {}

  async getattr(path: string): Promise<FuseStat> {
    return statOf(await this.state.lookup(path), this.state.config.mapping)
  }

  /** Names and stats of a directory's entries, `.` and `..` first; pages through the store's listing. */
  async readdir(path: string): Promise<{ names: string[]; stats: FuseStat[] }> {
    const { state } = this
    let entries = state.cache.listing(path)
    if (!entries) {
      entries = await state.volume.list(path)
      state.cache.setListing(path, entries)
    }
    const self = await state.lookup(path)
    const names = ['.', '..']
    const stats = [statOf(self, state.config.mapping), statOf(self, state.config.mapping)]
    const seen = new Set<string>()
    for (const entry of entries) {
      const open = state.openFiles.get(entry.path)
      seen.add(entry.name)
      names.push(entry.name)
      stats.push(statOf(open ? { ...open.info, size: open.size } : entry, state.config.mapping))
    }
    for (const file of state.pendingIn(path)) {
      const name = file.path.slice(file.path.lastIndexOf('/') + 1)
      if (seen.has(name)) continue
      names.push(name)
      stats.push(statOf({ ...file.info, size: file.size }, state.config.mapping))
    }
    return { names, stats }
  }

  async mkdir(path: string, mode: number): Promise<void> {
    this.state.checkWritable('mkdir', path)
    const info = await this.state.volume.makeDir(path, { mode: mode & 0o7777, ...this.state.config.newOwner })
    this.state.changed(path, info)
  }

  async rmdir(path: string): Promise<void> {
    const { state } = this
    state.checkWritable('rmdir', path)
    if (path === '/') throw new VolumeError('EBUSY', { op: 'rmdir', path })
    const info = await state.lookup(path, true)
    if (info.type !== 'directory') throw new VolumeError('ENOTDIR', { op: 'rmdir', path })
    if (state.openUnder(path).some((file) => file.created && !file.unlinked && file.path !== path)) throw new VolumeError('ENOTEMPTY', { op: 'rmdir', path })
    await state.volume.remove(path)
    state.cache.invalidateTree(path)
    state.changed(path, null)
  }

  async unlink(path: string): Promise<void> {
    const { state } = this
    state.checkWritable('unlink', path)
    const open = state.openFiles.get(path)
    if (open?.created || open?.unlinked) {
      // Never reached the store (or already removed from it, see `#hide`): forget it; its handles keep the local copy until closed.
      open.unlinked = true
      state.openFiles.delete(path)
      state.changed(path, null)
      return
    }
    const info = await state.lookup(path, true)
    if (info.type === 'directory') throw new VolumeError('EISDIR', { op: 'unlink', path })
    await state.volume.remove(path)
    if (open) {
      open.unlinked = true
      state.openFiles.delete(path)
    }
    state.changed(path, null)
  }

  /** Renames with replace semantics; open files move with their path (dirty ones are uploaded first). */
  async rename(from: string, to: string): Promise<void> {
    const { state } = this
    state.checkWritable('rename', from)
    if (to.slice(to.lastIndexOf('/') + 1).startsWith('.fuse_hidden') && state.openFiles.has(from)) return this.#hide(from, to)
    for (const file of state.openUnder(from)) await file.lock.runExclusive(() => file.upload())
    const replaced = state.openFiles.get(to)
    await state.volume.rename(from, to)
    if (replaced && replaced.path === to) {
      replaced.unlinked = true
      state.openFiles.delete(to)
    }
    for (const file of state.openUnder(from)) {
      state.openFiles.delete(file.path)
      file.path = to + file.path.slice(from.length)
      state.openFiles.set(file.path, file)
    }
    state.cache.invalidateTree(from)
    state.cache.invalidateTree(to)
  }

  /**
   * libfuse's unlink of an open file: it renames the file to `.fuse_hiddenXXXX` and unlinks
   * that name at the last release. Here that is an unlink in the store now, while the open
   * file lives on locally under the hidden name (never listed, never uploaded).
   */
  async #hide(from: string, hidden: string): Promise<void> {
    const { state } = this
    const open = state.openFiles.get(from)!
    // Its readers keep reading after the object is gone: copy it into the cache first.
    await open.lock.runExclusive(() => open.stage())
    if (!open.created && !open.unlinked) await state.volume.remove(from)
    open.unlinked = true
    state.openFiles.delete(from)
    open.path = hidden
    state.openFiles.set(hidden, open)
    state.changed(from, null)
  }

  async symlink(target: string, path: string): Promise<void> {
    this.state.checkWritable('symlink', path)
    const info = await this.state.volume.symlink(target, path, this.state.config.newOwner)
    this.state.changed(path, info)
  }

  async readlink(path: string): Promise<string> {
    const info = await this.state.lookup(path)
    if (info.type !== 'symlink') throw new VolumeError('EINVAL', { op: 'readlink', path })
    return info.target ?? (await this.state.volume.readlink(path))
  }

  async chmod(path: string, mode: number): Promise<void> {
    await this.#setOwnership('chmod', path, { mode: mode & 0o7777 })
  }

  /** `-1` (as unsigned) leaves the id unchanged. */
  async chown(path: string, uid: number, gid: number): Promise<void> {
    const keep = (id: number): number | undefined => (id === -1 || id === 0xffff_ffff ? undefined : id)
    await this.#setOwnership('chown', path, { uid: keep(uid), gid: keep(gid) })
  }

  /**
   * fuse-native 2.2.6 passes the atime as both arguments (its C glue copies `tv[0]`
   * twice), so the one time given sets both; UTIME_NOW/UTIME_OMIT arrive as 1073 ms and mean now.
   */
  async utimens(path: string, atime: number, mtime: number): Promise<void> {
    const { state } = this
    state.checkWritable('utimens', path)
    const time = mtime === UTIME_SPECIAL_MS ? new Date() : new Date(mtime)
    const chosen = { atime: atime === UTIME_SPECIAL_MS ? new Date() : new Date(atime), mtime: time }
    const open = state.openFiles.get(path)
    // A file with changes not yet uploaded takes the time with its upload (checked under its lock: a release may be uploading it).
    const pending = open && (await open.lock.runExclusive(() => {
      if (!open.dirty || open.closed) return false
      open.pending.mtime = chosen.mtime
      open.info = { ...open.info, mtime: chosen.mtime, atime: chosen.mtime, ctime: new Date() }
      return true
    }))
    if (pending) return
    const info = await state.volume.setTimes(path, chosen)
    if (open) open.info = { ...info, size: open.info.size }
    state.changed(path, info)
  }

  async statfs(): Promise<FuseStatfs> {
    const { state } = this
    const usage = state.volume.volumeId.startsWith('bucket:') ? undefined : await state.usage()
    const blocks = usage?.sizeBytes == null ? UNLIMITED_BLOCKS : Math.floor(usage.sizeBytes / BLOCK)
    const used = usage ? Math.ceil(usage.bytes / BLOCK) : 0
    const files = usage?.maxInodes == null ? UNLIMITED_BLOCKS : usage.maxInodes
    const free = Math.max(0, blocks - used)
    const freeFiles = Math.max(0, files - (usage?.inodes ?? 0))
    return { bsize: BLOCK, frsize: BLOCK, blocks, bfree: free, bavail: free, files, ffree: freeFiles, favail: freeFiles, namemax: 255 }
  }

  async link(from: string): Promise<never> {
    throw new PosixError('EPERM', 'link', from)
  }

  async mknod(path: string): Promise<never> {
    throw new PosixError('EPERM', 'mknod', path)
  }

  async #setOwnership(op: string, path: string, changes: { mode?: number | undefined; uid?: number | undefined; gid?: number | undefined }): Promise<void> {
    const { state } = this
    state.checkWritable(op, path)
    const open = state.openFiles.get(path)
    // A file not yet in the store takes its mode and owner with its first upload.
    const pending = open && (await open.lock.runExclusive(() => {
      if (!open.created || open.closed) return false
      Object.assign(open.pending, definedOf(changes))
      open.info = { ...open.info, ...definedOf(changes), ctime: new Date() }
      return true
    }))
    if (pending) return
    let info: EntryInfo
    try {
      info = await state.volume.updateMetadata(path, changes)
    } catch (error) {
      if (isVolumeError(error, 'ENOENT')) state.changed(path)
      throw error
    }
    if (open) open.info = { ...info, size: open.info.size }
    state.changed(path, info)
  }
}

function definedOf(value: { mode?: number | undefined; uid?: number | undefined; gid?: number | undefined }): { mode?: number; uid?: number; gid?: number } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))
}
