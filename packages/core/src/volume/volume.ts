import type { Readable } from 'node:stream'
import type { WriteData } from '../blob/body.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import type { EntryInfo } from '../metadata/entry-info.js'
import { normalisePath } from '../paths/volume-path.js'
import type { VolumeUsage } from '../quota/quota-guard.js'
import { recountUsage } from '../quota/recount-usage.js'
import type { VolumeInfo } from '../registry/volume-record.js'
import { downloadDirectory } from '../transfer/download-directory.js'
import type { TransferOptions, TransferSummary } from '../transfer/progress.js'
import { uploadDirectory } from '../transfer/upload-directory.js'
import { makeDir, type MakeDirOptions } from './directories.js'
import { entryInfoOf, entryInfoWithTarget } from './entry-info-of.js'
import { requireEntry } from './entry-resolver.js'
import { listDirectory, type ListOptions } from './list-directory.js'
import { copy, rename, type CopyOptions } from './move.js'
import { openFile, readFile, type ReadFileOptions, type ReadFormat, type ReadResultByFormat } from './read-file.js'
import { remove, type RemoveOptions } from './remove.js'
import { setTimes, type TimesChange } from './set-times.js'
import { readlink, symlink, type SymlinkOptions } from './symlink.js'
import { updateMetadata } from './update-metadata.js'
import type { VolumeContext } from './volume-context.js'
import { checkOwnership } from './validate-options.js'
import { writeFile, type WriteFileOptions } from './write-file.js'
import type { ChangeItem } from '../changes/change-feed.js'
import { recordChanges } from '../changes/record-changes.js'
import { watchDirectory, watchVolume, type VolumeWatch, type WatchDirOptions, type WatchHandle, type WatchOptions } from '../changes/watch.js'
import type { OwnershipOptions } from './entry-info-of.js'
import type { SnapshotInfo } from '../snapshots/snapshot-record.js'
import type { RestoreOptions, SnapshotOptions, VolumeSnapshotOps } from '../snapshots/snapshot-service.js'

/**
 * A handle on one volume: a POSIX-like file tree, with methods named after the
 * E2B Volumes SDK. Every path is absolute inside the volume and normalised once;
 * nothing reaches outside it. The same rules hold on every storage adapter.
 */
export class Volume {
  /** The registry record, or a synthetic one for a bucket opened as a volume. */
  readonly info: VolumeInfo

  constructor(
    private readonly context: VolumeContext,
    info: VolumeInfo,
    private readonly snapshots?: VolumeSnapshotOps,
  ) {
    this.info = info
  }

  get volumeId(): string {
    return this.info.volumeId
  }

  get name(): string {
    return this.info.name
  }

  /** Reads a file: text by default; `bytes`, `blob`, or `stream` (never buffered) on request; a byte `range` optionally. */
  readFile(path: string, options?: ReadFileOptions<'text'>): Promise<string>
  readFile<F extends ReadFormat>(path: string, options: ReadFileOptions<F> & { format: F }): Promise<ReadResultByFormat[F]>
  async readFile(path: string, options: ReadFileOptions = {}): Promise<unknown> {
    return readFile(this.context, normalisePath(path, 'readFile'), options)
  }

  /**
   * Opens a file in one request to the store: its info (from the object's own head, so it
   * describes exactly these bytes) and its content as a Node `Readable` (consume or destroy it).
   * EISDIR for a directory; ENOENT, or ENOTDIR when an ancestor is a file. `version` is the
   * store's opaque version of exactly these bytes and attributes (it changes on every write).
   */
  async open(path: string, options: Omit<ReadFileOptions, 'format'> = {}): Promise<{ info: EntryInfo; body: Readable; version: string }> {
    const normalised = normalisePath(path, 'readFile')
    const { head, body } = await openFile(this.context, normalised, options)
    return { info: entryInfoOf(this.context, normalised, 'file', head), body, version: head.version }
  }

  /** Opens a file as a Node `Readable` (consume or destroy it). */
  async createReadStream(path: string, options: Omit<ReadFileOptions, 'format'> = {}): Promise<Readable> {
    return (await openFile(this.context, normalisePath(path, 'open'), options, 'open')).body
  }

  /** Writes a whole file atomically, creating missing parents. Returns the new entry's info. */
  async writeFile(path: string, data: WriteData, options: WriteFileOptions = {}): Promise<EntryInfo> {
    const normalised = normalisePath(path, 'writeFile')
    checkOwnership(options, 'writeFile', normalised)
    return recordChanges(this.context, { op: 'writeFile' }, (context) => writeFile(context, normalised, data, options))
  }

  /** Creates a directory; with `force`, parents too and an existing directory is fine. */
  async makeDir(path: string, options: MakeDirOptions = {}): Promise<EntryInfo> {
    const normalised = normalisePath(path, 'mkdir')
    checkOwnership(options, 'mkdir', normalised)
    return recordChanges(this.context, { op: 'mkdir' }, (context) => makeDir(context, normalised, options))
  }

  /** Lists a directory's entries, `depth` levels down (default 1, at most 10). */
  async list(path: string, options: ListOptions = {}): Promise<EntryInfo[]> {
    return listDirectory(this.context, normalisePath(path, 'list'), options)
  }

  /** Removes a file or an empty directory; `recursive` removes a whole tree. */
  async remove(path: string, options: RemoveOptions = {}): Promise<void> {
    const normalised = normalisePath(path, 'rm')
    return recordChanges(this.context, { op: 'rm', from: normalised }, (context) => remove(context, normalised, options))
  }

  /** Describes one entry. ENOENT when missing; ENOTDIR when an ancestor is a file. */
  async getInfo(path: string): Promise<EntryInfo> {
    const normalised = normalisePath(path, 'stat')
    const entry = await requireEntry(this.context, normalised, 'stat')
    return entryInfoWithTarget(this.context, normalised, entry.kind, entry.head)
  }

  /** Whether something exists at `path`. Invalid paths still throw. */
  async exists(path: string): Promise<boolean> {
    try {
      await this.getInfo(path)
      return true
    } catch (error) {
      if (isVolumeError(error, 'ENOENT', 'ENOTDIR')) return false
      throw error
    }
  }

  /** Changes mode, uid and gid (and ctime), keeping the content. */
  async updateMetadata(path: string, changes: OwnershipOptions): Promise<EntryInfo> {
    const normalised = normalisePath(path, 'updateMetadata')
    return recordChanges(this.context, { op: 'updateMetadata' }, (context) => updateMetadata(context, normalised, changes))
  }

  /** Sets atime and/or mtime (ctime becomes now), keeping content, mode and owner; see `setTimes`. */
  async setTimes(path: string, times: TimesChange): Promise<EntryInfo> {
    const normalised = normalisePath(path, 'utimes')
    return recordChanges(this.context, { op: 'utimes' }, (context) => setTimes(context, normalised, times))
  }

  /** Creates a symlink at `path` to `target` (stored as s3fs does: S_IFLNK mode, target as body). EEXIST if `path` exists. */
  async symlink(target: string, path: string, options: SymlinkOptions = {}): Promise<EntryInfo> {
    const normalised = normalisePath(path, 'symlink')
    checkOwnership(options, 'symlink', normalised)
    return recordChanges(this.context, { op: 'symlink' }, (context) => symlink(context, target, normalised, options))
  }

  /** A symlink's target. EINVAL when `path` is not a symlink. */
  async readlink(path: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    return readlink(this.context, normalisePath(path, 'readlink'), options.signal)
  }

  /** Renames a file or directory (copy then delete on object storage). */
  async rename(from: string, to: string, options: { signal?: AbortSignal } = {}): Promise<EntryInfo> {
    const [source, destination] = [normalisePath(from, 'rename'), normalisePath(to, 'rename')]
    return recordChanges(this.context, { op: 'rename', from: source, to: destination }, (context) => rename(context, source, destination, options.signal))
  }

  /** Copies a file, or a directory with `recursive`, on the server where the backend can. */
  async copy(from: string, to: string, options: CopyOptions = {}): Promise<EntryInfo> {
    const [source, destination] = [normalisePath(from, 'copy'), normalisePath(to, 'copy')]
    return recordChanges(this.context, { op: 'copy' }, (context) => copy(context, source, destination, options))
  }

  /** Uploads a local directory tree with bounded concurrency and progress. */
  async uploadDirectory(localDir: string, remoteDir: string, options: TransferOptions = {}): Promise<TransferSummary> {
    return recordChanges(this.context, { op: 'uploadDirectory' }, (context) => uploadDirectory(context, localDir, remoteDir, options))
  }

  /**
   * Watches the directory at `path` for changes made through any `Volume` on the same change
   * feed (the store's `changes`): yields each event after its change was made, and a `gap`
   * item where events were lost. ENOENT when `path` is missing, ENOTDIR when it is a file,
   * EINVAL for a bad `since` cursor (on `ready` and on iteration).
   */
  watch(path: string, options: WatchOptions = {}): VolumeWatch {
    return watchVolume(this.context, normalisePath(path, 'watch'), options)
  }

  /** E2B's `watchDir`: calls `onEvent` for every event (and gap) until `stop()`; resolves once watching. */
  async watchDir(path: string, onEvent: (event: ChangeItem) => void | Promise<void>, options: WatchDirOptions = {}): Promise<WatchHandle> {
    return watchDirectory(this.context, normalisePath(path, 'watch'), onEvent, options)
  }

  /**
   * Bytes and inodes in use, with the limits. Read from the usage object (one request);
   * a volume without a quota (a bucket opened as a volume) is counted by listing it.
   */
  async getUsage(): Promise<VolumeUsage> {
    if (this.context.quota) return this.context.quota.usage()
    return { ...(await recountUsage(this.context.blobs, this.context.keys.prefix)), sizeBytes: null, maxInodes: null }
  }

  /** Downloads a volume directory tree to the local disk with bounded concurrency and progress. */
  async downloadDirectory(remoteDir: string, localDir: string, options: TransferOptions = {}): Promise<TransferSummary> {
    return downloadDirectory(this.context, remoteDir, localDir, options)
  }

  /**
   * Takes an immutable snapshot of the whole volume as of one point in time, while writers
   * go on (see docs/architecture.md "Snapshots"). ENOTSUP for a bucket opened as a volume.
   */
  async snapshot(options: SnapshotOptions = {}): Promise<SnapshotInfo> {
    return this.#snapshots('snapshot').snapshot(this.info, options)
  }

  /**
   * Makes the volume's content the snapshot's (any snapshot in the store). EBUSY while another
   * holder has it attached; ENOENT `SnapshotNotFound`; ENOSPC when it does not fit the volume.
   * Readers see the volume emptied then refilled while it runs, and exactly the snapshot after.
   */
  async restore(snapshotId: string, options: RestoreOptions = {}): Promise<SnapshotInfo> {
    const snapshots = this.#snapshots('restore')
    return recordChanges(this.context, { op: 'restore' }, (context) => snapshots.restore(context, this.info, snapshotId, options))
  }

  #snapshots(op: string): VolumeSnapshotOps {
    if (!this.snapshots) throw new VolumeError('ENOTSUP', { op, path: this.name, reason: 'NoSnapshots', detail: 'this volume has no registry to keep snapshots in' })
    return this.snapshots
  }
}
