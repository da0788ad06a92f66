import { isVolumeError, VolumeError, type EntryInfo, type Volume, type VolumeUsage } from '@volumes/core'
import { AttrCache, parentOf } from './attr-cache.js'
import { PosixError } from './errno.js'
import type { OpenFile } from './open-file.js'
import type { ReadAheadOptions } from './range-reader.js'
import type { OwnerMapping } from './stat.js'

/** What the file-system operations need to know about their mount. */
export interface FsConfig {
  readonly volume: Volume
  /** Directory for staged (dirty) file copies. */
  readonly cacheDir: string
  /** Attribute and directory cache TTL in ms (0: no cache). */
  readonly attrTimeoutMs: number
  /** A readonly mount: every change is EROFS. */
  readonly readonly: boolean
  /** True once the lease is lost: every change is EIO and nothing reaches the store. */
  readonly fenced: () => boolean
  /** Asks the lease store whether the lease still holds (throws, and marks it lost, when not). */
  readonly verifyLease: (op: string, path: string) => Promise<void>
  /** Owner shown for every entry, when mapped. */
  readonly mapping: OwnerMapping
  /** Owner given to new entries. */
  readonly newOwner: { readonly uid: number; readonly gid: number }
  readonly readAhead?: ReadAheadOptions | undefined
  /** Where backend errors are reported (they reach the caller only as EIO). */
  readonly log: (line: string) => void
}

/** The mount's shared state: caches, open files, and the checks every change runs. */
export class FsState {
  readonly config: FsConfig
  readonly volume: Volume
  readonly cache: AttrCache
  /** Open files by their current path (an unlinked one is no longer listed). */
  readonly openFiles = new Map<string, OpenFile>()
  /** Open handles (the `fh` the kernel passes back). */
  readonly handles = new Map<number, OpenFile>()
  #nextHandle = 1
  #usage: { value: VolumeUsage; at: number } | undefined

  constructor(config: FsConfig) {
    this.config = config
    this.volume = config.volume
    this.cache = new AttrCache(config.attrTimeoutMs)
  }

  /** Throws EROFS on a readonly mount, EIO (reason LeaseLost) once the lease is lost. */
  checkWritable(op: string, path: string): void {
    if (this.config.readonly) throw new VolumeError('EROFS', { op, path, reason: 'ReadOnlyAttachment', detail: 'mounted readonly' })
    if (this.config.fenced()) throw new VolumeError('EIO', { op, path, reason: 'LeaseLost', detail: 'the mount lost its lease; nothing more is written' })
  }

  /**
   * {@link checkWritable}, then the lease store: run before a file starts collecting
   * local changes (create, open for writing, first write), which reach the store only
   * at close, so that a lost lease fails the open or write instead of a close nobody checks.
   */
  async checkLease(op: string, path: string): Promise<void> {
    this.checkWritable(op, path)
    try {
      await this.config.verifyLease(op, path)
    } catch (error) {
      this.checkWritable(op, path)
      throw error
    }
  }

  /** The entry at `path`: an open file's local view first, then the cache, then the store. */
  async lookup(path: string, fresh = false): Promise<EntryInfo> {
    const open = this.openFiles.get(path)
    if (open) return { ...open.info, size: open.size }
    const cached = fresh ? undefined : this.cache.get(path)
    if (cached === null) throw new VolumeError('ENOENT', { op: 'stat', path })
    if (cached) return cached
    try {
      const info = await this.volume.getInfo(path)
      this.cache.set(path, info)
      return info
    } catch (error) {
      if (isVolumeError(error, 'ENOENT')) this.cache.set(path, null)
      throw error
    }
  }

  /** Records a change made by this mount: the entry (or its absence) and its parent's listing. */
  changed(path: string, info?: EntryInfo | null): void {
    this.cache.invalidate(path)
    if (info !== undefined) this.cache.set(path, info)
  }

  /** Registers a handle on an open file. */
  addHandle(file: OpenFile): number {
    const handle = this.#nextHandle++
    file.refs++
    this.handles.set(handle, file)
    return handle
  }

  handle(fd: number, op: string, path: string): OpenFile {
    const file = this.handles.get(fd)
    if (!file) throw new PosixError('EBADF', op, path)
    return file
  }

  /** Open files at `path` or below it. */
  openUnder(path: string): OpenFile[] {
    const prefix = path === '/' ? '/' : `${path}/`
    return [...this.openFiles.values()].filter((file) => file.path === path || file.path.startsWith(prefix))
  }

  /** Files created here and not yet in the store, directly inside `directory`. */
  pendingIn(directory: string): OpenFile[] {
    return [...this.openFiles.values()].filter((file) => file.created && !file.unlinked && parentOf(file.path) === directory)
  }

  /**
   * ENOSPC before a write grows a file past what the volume's quota has left (by the
   * usage read at most one cache TTL ago). The store checks again, exactly, on upload.
   */
  async checkRoom(file: OpenFile, newSize: number): Promise<void> {
    if (newSize <= file.size || this.volume.volumeId.startsWith('bucket:')) return
    const usage = await this.usage()
    if (usage.sizeBytes === null) return
    const stored = file.created ? 0 : file.info.size
    if (usage.bytes - stored + newSize > usage.sizeBytes) {
      throw new VolumeError('ENOSPC', { op: 'write', path: file.path, reason: 'QuotaExceeded', detail: `volume "${this.volume.name}" has ${usage.sizeBytes - usage.bytes} bytes left` })
    }
  }

  /** The volume's usage, cached for the attribute TTL. */
  async usage(): Promise<VolumeUsage> {
    const now = performance.now()
    if (this.#usage && now - this.#usage.at < Math.max(this.config.attrTimeoutMs, 1)) return this.#usage.value
    const value = await this.volume.getUsage()
    this.#usage = { value, at: now }
    return value
  }

  /** Forgets the cached usage (after an upload changed it). */
  usageChanged(): void {
    this.#usage = undefined
  }
}
