import { constants } from 'node:fs'
import { isVolumeError, VolumeError, type EntryInfo } from '@volumes/core'
import { parentOf } from './attr-cache.js'
import type { FsState } from './fs-state.js'
import { OpenFile } from './open-file.js'

const O_ACCMODE = 3

/** The operations on file content: open, create, read, write, truncate, flush, fsync, release. */
export class FileOps {
  constructor(private readonly state: FsState) {}

  /** Opens a file; the first handle on a path reads fresh attributes from the store (close-to-open). */
  async open(path: string, flags: number): Promise<number> {
    const { state } = this
    if ((flags & O_ACCMODE) !== constants.O_RDONLY || (flags & constants.O_TRUNC) !== 0) await state.checkLease('open', path)
    let file = state.openFiles.get(path)
    if (!file) {
      const info = await state.lookup(path, true)
      if (info.type === 'directory') throw new VolumeError('EISDIR', { op: 'open', path })
      file = state.openFiles.get(path) ?? this.#newFile(path, info, false)
    }
    return state.addHandle(file)
  }

  /** Creates a file locally; it reaches the store on flush (one write, with its mode and owner). */
  async create(path: string, mode: number): Promise<number> {
    const { state } = this
    await state.checkLease('create', path)
    const now = new Date()
    const info: EntryInfo = {
      name: path.slice(path.lastIndexOf('/') + 1),
      type: 'file',
      path,
      size: 0,
      mode: mode & 0o7777,
      ...state.config.newOwner,
      atime: now,
      mtime: now,
      ctime: now,
    }
    const previous = state.openFiles.get(path)
    if (previous) previous.unlinked = true
    const file = this.#newFile(path, info, true)
    await file.lock.runExclusive(() => file.stage(true))
    state.cache.invalidate(parentOf(path))
    state.cache.invalidate(path)
    return state.addHandle(file)
  }

  async read(path: string, fd: number, buffer: Uint8Array, length: number, position: number): Promise<number> {
    return this.state.handle(fd, 'read', path).read(buffer, length, position)
  }

  async write(path: string, fd: number, buffer: Uint8Array, length: number, position: number): Promise<number> {
    const { state } = this
    const file = state.handle(fd, 'write', path)
    if (file.staged) state.checkWritable('write', file.path)
    else await state.checkLease('write', file.path)
    if (file.failure) throw file.failure
    await this.#checkRoom(file, position + length)
    return file.lock.runExclusive(async () => {
      const written = await file.write(buffer, length, position)
      this.#touched(file)
      return written
    })
  }

  /**
   * `truncate(2)` by path: written to the store at once, as a new version; when the file is
   * open here, its staged copy is truncated instead and uploaded with the handles' writes.
   */
  async truncate(path: string, size: number): Promise<void> {
    const { state } = this
    state.checkWritable('truncate', path)
    const open = state.openFiles.get(path)
    if (open) {
      if (open.failure) throw open.failure
      await this.#checkRoom(open, size)
      // Staged only: `> file` (O_TRUNC) arrives as a truncate by path, and a write that then fails must
      // leave the old content. The handles' flush or last release uploads it (see `release`).
      const done = await open.lock.runExclusive(async () => {
        if (open.closed) return false
        await open.truncate(size)
        this.#touched(open)
        return true
      })
      if (done) return
    }
    const info = await state.lookup(path, true)
    if (info.type === 'directory') throw new VolumeError('EISDIR', { op: 'truncate', path })
    const file = new OpenFile(state.volume, state.config.cacheDir, path, info, false, state.config.readAhead)
    try {
      await state.checkRoom(file, size)
      await file.lock.runExclusive(async () => {
        await file.truncate(size)
        await file.upload()
      })
      state.changed(path, file.info)
      state.usageChanged()
    } finally {
      await file.close()
    }
  }

  async ftruncate(path: string, fd: number, size: number): Promise<void> {
    const file = this.state.handle(fd, 'ftruncate', path)
    this.state.checkWritable('ftruncate', file.path)
    await this.#truncate(file, size)
  }

  /**
   * Uploads the file if data was written (close(2) of each descriptor). A file only
   * created or truncated is written at release instead: a shell's `> file` opens,
   * dup2s and closes once before writing, and a write that then fails (ENOSPC) must
   * leave the old content, not an empty file.
   */
  async flush(path: string, fd: number): Promise<void> {
    const file = this.state.handle(fd, 'flush', path)
    if (file.failure) throw file.failure
    if (file.wroteData) await this.#upload(file)
  }

  async fsync(path: string, fd: number): Promise<void> {
    await this.#upload(this.state.handle(fd, 'fsync', path))
  }

  /**
   * The last close of a handle: with the file's last handle, uploads what is left and drops
   * the staged copy. All under the file's lock, and the file stays visible (lookups, new
   * opens) until its upload is done, so that a truncate by path or a stat that comes in
   * meanwhile sees the newest state.
   */
  async release(path: string, fd: number): Promise<void> {
    const { state } = this
    const file = state.handles.get(fd)
    if (!file) return
    state.handles.delete(fd)
    if (--file.refs > 0) return
    await file.lock.runExclusive(async () => {
      try {
        if (file.dirty && !file.failure && !file.unlinked && !state.config.fenced() && !state.config.readonly) {
          await file.upload()
          state.changed(file.path, file.info)
          state.usageChanged()
        }
      } catch (error) {
        state.config.log(`release ${file.path}: changes not written: ${(error as Error).message}`)
      }
      if (file.refs > 0) return // opened again meanwhile: the new handle keeps it
      if (state.openFiles.get(file.path) === file) state.openFiles.delete(file.path)
      await file.close()
    })
  }

  /** Uploads every changed open file (before unmount). Returns the paths that failed. */
  async flushAll(): Promise<string[]> {
    const failed: string[] = []
    for (const file of new Set(this.state.handles.values())) {
      try {
        await this.#upload(file)
      } catch (error) {
        this.state.config.log(`flush ${file.path}: ${(error as Error).message}`)
        failed.push(file.path)
      }
    }
    return failed
  }

  /** ENOSPC when the write cannot fit; the file's changes are then dropped (the store keeps the old content). */
  async #checkRoom(file: OpenFile, size: number): Promise<void> {
    try {
      await this.state.checkRoom(file, size)
    } catch (error) {
      if (isVolumeError(error, 'ENOSPC')) file.failure = error
      throw error
    }
  }

  async #truncate(file: OpenFile, size: number): Promise<void> {
    if (file.failure) throw file.failure
    await this.#checkRoom(file, size)
    await file.lock.runExclusive(async () => {
      await file.truncate(size)
      this.#touched(file)
    })
  }

  async #upload(file: OpenFile): Promise<void> {
    if (file.failure) throw file.failure
    if (!file.dirty || file.unlinked) return
    this.state.checkWritable('flush', file.path)
    try {
      await file.lock.runExclusive(() => file.upload())
    } catch (error) {
      if (isVolumeError(error, 'ENOSPC')) file.failure = error
      throw error
    }
    this.state.changed(file.path, file.info)
    this.state.usageChanged()
  }

  #touched(file: OpenFile): void {
    const now = new Date()
    file.info = { ...file.info, mtime: file.pending.mtime ?? now, ctime: now }
  }

  #newFile(path: string, info: EntryInfo, created: boolean): OpenFile {
    const file = new OpenFile(this.state.volume, this.state.config.cacheDir, path, info, created, this.state.config.readAhead)
    this.state.openFiles.set(path, file)
    return file
  }
}
