import { createWriteStream, openAsBlob } from 'node:fs'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { EntryInfo, Volume } from '@volumes/core'
import { Mutex } from 'async-mutex'
import { RangeReader, type ReadAheadOptions } from './range-reader.js'

/** Attribute changes made to a file before its content reaches the store. */
export interface PendingAttributes {
  mode?: number | undefined
  uid?: number | undefined
  gid?: number | undefined
  mtime?: Date | undefined
}

let sequence = 0

/**
 * One file open on the mount, shared by every handle on that path. Reads of a clean file
 * go to the store (ranged, with read-ahead). The first write or truncate stages the file:
 * its content is copied into a local cache file (not for a new file or a truncation to 0),
 * and every later read and write uses that copy. `upload` (on flush, fsync and release)
 * writes the whole copy back with one atomic `writeFile`, so the store holds the old
 * content or the new, never a part of it — a crash loses the unflushed writes only.
 */
export class OpenFile {
  /** Serialises staging, writes, truncation and upload. */
  readonly lock = new Mutex()
  path: string
  info: EntryInfo
  /** Open handles. */
  refs = 0
  /** Not yet in the store (made by `create`, not flushed yet). */
  created: boolean
  /** Unlinked while open: its content must not be written back. */
  unlinked = false
  dirty: boolean
  /** A write that did not fit (ENOSPC): the changes are dropped, never written back in part. */
  failure: Error | undefined
  /** Bytes were written since the last upload (not only a truncation or a create). */
  wroteData = false
  readonly pending: PendingAttributes = {}
  #staged: { handle: FileHandle; file: string; size: number } | undefined
  #reader: RangeReader | undefined
  readonly #volume: Volume
  readonly #cacheDir: string
  readonly #readAhead: ReadAheadOptions

  constructor(volume: Volume, cacheDir: string, path: string, info: EntryInfo, created: boolean, readAhead: ReadAheadOptions = {}) {
    this.#volume = volume
    this.#cacheDir = cacheDir
    this.path = path
    this.info = info
    this.created = created
    this.dirty = created
    this.#readAhead = readAhead
  }

  /** The size readers see now. */
  get size(): number {
    return this.#staged?.size ?? this.info.size
  }

  get staged(): boolean {
    return this.#staged !== undefined
  }

  /** Copies the file into the cache (unless `empty`: a new file, a truncation to 0). Call under `lock`. */
  async stage(empty = false): Promise<void> {
    if (this.#staged) return
    const file = join(this.#cacheDir, `${process.pid}-${++sequence}.stage`)
    if (!empty && !this.created && this.info.size > 0) {
      await pipeline(await this.#volume.createReadStream(this.path), createWriteStream(file, { flags: 'wx', mode: 0o600 }))
    }
    const handle = await open(file, empty || this.created || this.info.size === 0 ? 'w+' : 'r+', 0o600)
    const { size } = await handle.stat()
    this.#staged = { handle, file, size }
    this.#reader = undefined
  }

  /** Writes at `position` into the staged copy. Call under `lock`. */
  async write(buffer: Uint8Array, length: number, position: number): Promise<number> {
    await this.stage()
    const staged = this.#staged!
    const { bytesWritten } = await staged.handle.write(buffer, 0, length, position)
    staged.size = Math.max(staged.size, position + bytesWritten)
    this.dirty = true
    this.wroteData = true
    return bytesWritten
  }

  /** Sets the staged copy's length. Call under `lock`. */
  async truncate(size: number): Promise<void> {
    await this.stage(size === 0)
    await this.#staged!.handle.truncate(size)
    this.#staged!.size = size
    this.dirty = true
  }

  /** Reads from the staged copy, or from the store when the file is clean. */
  async read(target: Uint8Array, length: number, position: number): Promise<number> {
    if (this.#staged) {
      const { bytesRead } = await this.#staged.handle.read(target, 0, length, position)
      return bytesRead
    }
    this.#reader ??= new RangeReader(this.#volume, this.path, this.info.size, this.#readAhead)
    return this.#reader.read(target, length, position)
  }

  /** Writes the staged copy back when it changed (one atomic write). Call under `lock`. */
  async upload(): Promise<void> {
    if (!this.dirty || this.unlinked) return
    const staged = this.#staged
    const pending = this.pending
    const content = staged ? await openAsBlob(staged.file) : new Uint8Array()
    this.info = await this.#volume.writeFile(this.path, content, {
      ...(this.created ? { mode: pending.mode ?? this.info.mode, uid: pending.uid ?? this.info.uid, gid: pending.gid ?? this.info.gid } : {}),
      ...(pending.mtime ? { mtime: pending.mtime } : {}),
    })
    this.created = false
    this.dirty = false
    this.wroteData = false
    delete pending.mode
    delete pending.uid
    delete pending.gid
    delete pending.mtime
  }

  /** Set by `close`: the last handle is gone, the file is no longer in use. */
  closed = false

  /** Drops the staged copy. Call under `lock`. */
  async close(): Promise<void> {
    this.closed = true
    const staged = this.#staged
    this.#staged = undefined
    this.#reader = undefined
    if (!staged) return
    await staged.handle.close().catch(() => undefined)
    await rm(staged.file, { force: true })
  }
}
