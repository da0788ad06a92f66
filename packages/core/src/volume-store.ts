import { attachVolumes, type AttachOptions, type Attachment } from './attach/attachment.js'
import type { AttachPolicy } from './attach/attach-policy.js'
import type { MountSource } from './attach/resolve-mount.js'
import type { BlobStore } from './blob/blob-store.js'
import { withRemovalClaims } from './blob/removal-claims.js'
import { withMutationFence } from './attach/mutation-fence.js'
import { VolumeActivity } from './registry/volume-activity.js'
import { renameIntentPrefix } from './volume/rename-intent.js'
import type { UsageCounts } from './quota/usage-object.js'
import { isVolumeError, VolumeError } from './errors/volume-error.js'
import type { LeaseManager } from './leases/lease-manager.js'
import { MemoryLeaseManager } from './leases/memory-lease-manager.js'
import type { ChangeFeed } from './changes/change-feed.js'
import { MemoryChangeFeed } from './changes/memory-change-feed.js'
import { RegistryTokenFloor, type TokenFloor } from './leases/token-floor.js'
import { defaultAttributes, type AttributeDefaults } from './metadata/codec.js'
import { KeySpace } from './paths/key-space.js'
import { displayVolumeReference, isVolumeReference } from './paths/volume-reference.js'
import { VolumeQuota, type VolumeUsage } from './quota/quota-guard.js'
import { recountUsage } from './quota/recount-usage.js'
import { UsageTracker } from './quota/usage-tracker.js'
import { checkLabels, checkVolumeName, checkVolumeSize, defaultSizePolicy, lettersDigitsHyphens, type NamePolicy, type SizePolicy } from './registry/volume-policy.js'
import { toVolumeInfo, type StoredVolumeRecord, type VolumeInfo } from './registry/volume-record.js'
import { newVolumeId, VolumeRegistry, type VersionedRecord } from './registry/volume-registry.js'
import { markerMetadata } from './volume/entry-info-of.js'
import { deleteTree } from './volume/tree-walk.js'
import { withUserPaths } from './volume/user-paths.js'
import { Volume } from './volume/volume.js'
import { Snapshots, type ForkOptions } from './snapshots/snapshot-service.js'
import type { SnapshotInfo } from './snapshots/snapshot-record.js'
import type { MutationGuard, VolumeContext } from './volume/volume-context.js'

/** A volume record field set by the first snapshot (records tolerate unknown fields). */
type SnapshotMark = StoredVolumeRecord & { readonly hasSnapshots?: boolean }

/** Options of {@link VolumeStore}. */
export interface VolumeStoreOptions {
  /** Where volumes live: a local directory, a bucket... wrapped in any layers. */
  readonly blobs: BlobStore
  /** Attachment leases. Default: a {@link MemoryLeaseManager} (one process). */
  readonly leases?: LeaseManager | undefined
  /** Where mutations publish change events for `volume.watch`. Default: a {@link MemoryChangeFeed} (one process). */
  readonly changes?: ChangeFeed | undefined
  /** Region of this store; volumes created here are bound to it. Default `local`. */
  readonly region?: string | undefined
  readonly namePolicy?: NamePolicy | undefined
  readonly sizePolicy?: SizePolicy | undefined
  /** Attributes of entries without our metadata. Default: files 0644, directories 0755, uid/gid 0. */
  readonly defaults?: AttributeDefaults | undefined
  /** Requests in flight for listings, recursive copies and deletes. Default 16. */
  readonly concurrency?: number | undefined
  /** Rules of {@link VolumeStore.attach}: per-holder limit, create on first use, region binding. */
  readonly attachPolicy?: AttachPolicy | undefined
  /**
   * Quotas: each volume's `sizeGb` and an inode limit, enforced on every write (ENOSPC,
   * reason `QuotaExceeded`). Usage lives in `.registry/usage/<volumeId>` and is kept
   * exact with compare-and-swap, so it needs a backend with `conditionalCreate` and
   * `compareAndSwap`; on others, and with `false`, nothing is enforced. Default on.
   */
  readonly quota?: false | QuotaOptions | undefined
}

/** Quota settings of a {@link VolumeStore}. */
export interface QuotaOptions {
  /** Files plus directories per volume. Default unlimited. */
  readonly maxInodes?: number | undefined
  /**
   * Bytes in one GB of `sizeGb`. Default 10^9. Meant for tests, which need a volume
   * small enough to fill; a production store has no reason to change it.
   */
  readonly bytesPerGb?: number | undefined
}

/** Options of {@link VolumeStore.create}. */
export interface CreateVolumeOptions {
  /** Size limit in GB; the policy's default when omitted. */
  readonly sizeGb?: number | undefined
  readonly region?: string | undefined
  readonly labels?: Record<string, string> | undefined
}

/**
 * Named, persistent volumes on one BlobStore, with a registry kept in the store itself.
 *
 * @example
 * const store = new VolumeStore({ blobs: new LocalBlobStore({ root: '/data/volumes' }) })
 * const volume = await store.create('my-volume', { sizeGb: 5 })
 * await volume.writeFile('/hello.txt', 'Hello, world!')
 */
export class VolumeStore {
  readonly blobs: BlobStore
  readonly leases: LeaseManager
  /** The change feed of `volume.watch`. */
  readonly changes: ChangeFeed
  readonly region: string
  /** Fencing-token floors in the volume records, for lease managers that can lose state (see {@link RegistryTokenFloor}). */
  readonly tokenFloor: TokenFloor
  readonly #registry: VolumeRegistry
  readonly #namePolicy: NamePolicy
  readonly #sizePolicy: SizePolicy
  readonly #defaults: AttributeDefaults
  readonly #concurrency: number
  readonly #attachPolicy: AttachPolicy
  readonly #usage: UsageTracker | undefined
  /** The store as volumes see it: removal claims hidden where deletes are not conditional. */
  readonly #volumeBlobs: BlobStore
  readonly #activity = new VolumeActivity()
  readonly #maxInodes: number
  readonly #bytesPerGb: number
  readonly #snapshots: Snapshots

  constructor(options: VolumeStoreOptions) {
    this.blobs = options.blobs
    this.leases = options.leases ?? new MemoryLeaseManager()
    this.changes = options.changes ?? new MemoryChangeFeed()
    this.region = options.region ?? 'local'
    this.#registry = new VolumeRegistry(options.blobs)
    this.#namePolicy = options.namePolicy ?? lettersDigitsHyphens
    this.#sizePolicy = options.sizePolicy ?? defaultSizePolicy
    this.#defaults = options.defaults ?? defaultAttributes
    this.#concurrency = options.concurrency ?? 16
    this.tokenFloor = new RegistryTokenFloor(options.blobs)
    this.#attachPolicy = options.attachPolicy ?? {}
    const quota = options.quota === false ? undefined : (options.quota ?? {})
    const { conditionalCreate, compareAndSwap } = options.blobs.capabilities
    this.#volumeBlobs = options.blobs.capabilities.conditionalDelete && options.blobs.deleteIfMatch ? options.blobs : withRemovalClaims(options.blobs)
    this.#usage = quota && conditionalCreate && compareAndSwap ? new UsageTracker(options.blobs, (id) => this.#recountLive(id)) : undefined
    this.#maxInodes = quota?.maxInodes ?? Number.POSITIVE_INFINITY
    this.#bytesPerGb = quota?.bytesPerGb ?? 1e9
    this.#snapshots = new Snapshots({
      blobs: this.blobs, volumeBlobs: this.#volumeBlobs, leases: this.leases, registry: this.#registry, usage: this.#usage,
      concurrency: this.#concurrency, region: this.region, namePolicy: this.#namePolicy, sizePolicy: this.#sizePolicy,
      limitsOf: (sizeGb) => (this.#usage ? { maxBytes: sizeGb * this.#bytesPerGb, maxInodes: this.#maxInodes } : { maxBytes: Infinity, maxInodes: Infinity }),
      find: async (idOrName) => (await this.#find(idOrName, true))?.record,
      open: (record) => this.#volumeOf(record),
      markHasSnapshots: (volumeId) => this.#markHasSnapshots(volumeId),
    })
  }

  /** Ready snapshots of a volume (by id or name), oldest first. ENOENT (reason `VolumeNotFound`) for no such volume. */
  async listSnapshots(idOrName: string, options: { signal?: AbortSignal } = {}): Promise<SnapshotInfo[]> {
    const { record } = await this.#require(idOrName, 'listSnapshots')
    return this.#snapshots.listOf(record.volumeId, options.signal)
  }

  /** One snapshot. ENOENT (reason `SnapshotNotFound`) when there is none (or it is not finished). */
  async getSnapshot(snapshotId: string): Promise<SnapshotInfo> {
    return this.#snapshots.get(snapshotId)
  }

  /** Deletes a snapshot; volumes forked from it keep their content. False when there was none. */
  async deleteSnapshot(snapshotId: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return this.#snapshots.delete(snapshotId, options.signal)
  }

  /**
   * A new, independent volume with a snapshot's content and attributes, named `newName`.
   * EEXIST when the name is taken; ENOENT `SnapshotNotFound`; ENOSPC when it does not fit `sizeGb`.
   */
  async fork(snapshotId: string, newName: string, options: ForkOptions = {}): Promise<Volume> {
    return this.#snapshots.fork(snapshotId, newName, options)
  }

  /** Creates a volume. EINVAL for a bad name, size or labels; EEXIST when the name is taken. */
  async create(name: string, options: CreateVolumeOptions = {}): Promise<Volume> {
    const record: StoredVolumeRecord = {
      volumeId: newVolumeId(),
      name: checkVolumeName(name, this.#namePolicy),
      sizeGb: checkVolumeSize(options.sizeGb, this.#sizePolicy),
      region: options.region ?? this.region,
      createdAt: new Date().toISOString(),
      labels: checkLabels(options.labels),
    }
    await this.#registry.create(record)
    await this.#usage?.initialise(record.volumeId)
    const volume = this.#volumeOf(record)
    await this.blobs.put(`${record.volumeId}/`, new Uint8Array(), {
      metadata: markerMetadata(this.#contextOf(record), {}),
      contentType: 'application/x-directory',
    })
    return volume
  }

  /** Opens an existing volume by id or name. ENOENT (reason `VolumeNotFound`) when there is none. */
  async connect(idOrName: string, guard?: MutationGuard): Promise<Volume> {
    return this.#volumeOf((await this.#require(idOrName, 'connect')).record, guard)
  }

  /** Every volume, sorted by name. */
  async list(options: { signal?: AbortSignal } = {}): Promise<VolumeInfo[]> {
    return (await this.#registry.list(options.signal)).filter((record) => !record.destroying).map(toVolumeInfo)
  }

  /** One volume's record, by id or name. */
  async getInfo(idOrName: string): Promise<VolumeInfo> {
    return toVolumeInfo((await this.#require(idOrName, 'getInfo')).record)
  }

  /**
   * Deletes a volume and everything in it. Returns false when it did not exist.
   * EBUSY while it is attached, unless `force`. EBUSY (reason `VolumeHasSnapshots`) while it has
   * snapshots, unless `snapshots` is `'delete'` (they go first) or `'keep'` (they outlive it).
   */
  async destroy(idOrName: string, options: { force?: boolean; snapshots?: 'refuse' | 'delete' | 'keep'; signal?: AbortSignal } = {}): Promise<boolean> {
    const found = await this.#find(idOrName, true)
    if (!found) return false
    const { record } = found
    const policy = options.snapshots ?? 'refuse'
    // Only a volume that ever had a snapshot pays for the listing.
    const snapshots = policy === 'keep' || record.destroying || !(record as SnapshotMark).hasSnapshots ? [] : await this.#snapshots.listOf(record.volumeId, options.signal)
    if (snapshots.length > 0 && policy === 'refuse') {
      throw new VolumeError('EBUSY', { op: 'destroy', path: record.name, reason: 'VolumeHasSnapshots', detail: `Volume "${record.name}" has ${snapshots.length} snapshot(s): pass { snapshots: 'delete' } or 'keep'` })
    }
    const attachments = await this.leases.listAttachments(record.volumeId)
    if (attachments.length > 0 && !options.force) {
      throw new VolumeError('EBUSY', { op: 'destroy', path: record.name, reason: 'VolumeAttached', detail: `Volume "${record.name}" is attached` })
    }
    for (const snapshot of snapshots) await this.#snapshots.delete(snapshot.snapshotId, options.signal)
    for (const attachment of attachments) await this.leases.forceRelease(record.volumeId, attachment.holderId, 'volume destroyed')
    // Gone for every caller from here on; a destroy that stops half-way is finished by the next one.
    if (!record.destroying) await this.#registry.update({ ...record, destroying: true }, found.version)
    // Writers elsewhere that need room fail from now on: a missing usage object is not re-created for a destroyed volume.
    await this.#usage?.forget(record.volumeId)
    await this.#activity.close(record.volumeId)
    const context: VolumeContext = { ...this.#contextOf(record, undefined, false), blobs: this.#volumeBlobs }
    await deleteTree(context, `${record.volumeId}/`, 'destroy', options.signal)
    await deleteTree(context, renameIntentPrefix(record.volumeId), 'destroy', options.signal)
    await this.#registry.remove(record)
    return true
  }

  /** Notes in the volume's record that it has (had) snapshots, so that destroy looks for them. */
  async #markHasSnapshots(volumeId: string): Promise<void> {
    for (;;) {
      const found = await this.#registry.byId(volumeId)
      if (!found || (found.record as SnapshotMark).hasSnapshots) return
      try {
        return await this.#registry.update({ ...found.record, hasSnapshots: true } as StoredVolumeRecord, found.version)
      } catch (error) {
        if (!isVolumeError(error, 'EPRECONDITION')) throw error
      }
    }
  }

  /** The recount behind a missing usage object, refused for a volume that no longer exists (ENOENT `VolumeNotFound`). */
  async #recountLive(volumeId: string): Promise<UsageCounts> {
    const found = await this.#registry.byId(volumeId)
    if (!found || found.record.destroying) {
      throw new VolumeError('ENOENT', { op: 'writeFile', path: found?.record.name ?? volumeId, reason: 'VolumeNotFound', detail: `Volume "${found?.record.name ?? volumeId}" was destroyed` })
    }
    return recountUsage(this.#volumeBlobs, `${volumeId}/`)
  }

  /**
   * Attaches volumes to a holder (a sandbox, a server), all or nothing, and returns
   * handles bound to their leases: each checks its lease before every mutation.
   * Mount paths are checked (EINVAL); the store's {@link AttachPolicy} applies
   * (per-holder limit, region binding, create on first use); a volume that cannot be
   * had is EBUSY `Volume "x" is already attached`, and nothing stays attached.
   *
   * @example
   * const attachment = await store.attach('sandbox-1', { '/workspace': 'my-project' })
   * await attachment.volume('/workspace').writeFile('/app.js', code)
   * await attachment.release()
   */
  async attach(holderId: string, mounts: Readonly<Record<string, MountSource>>, options: AttachOptions = {}): Promise<Attachment> {
    return attachVolumes({
      leases: this.leases,
      region: this.region,
      policy: this.#attachPolicy,
      find: async (idOrName) => (await this.#find(idOrName))?.record,
      create: (name, createOptions) => this.create(name, createOptions),
      open: (record, guard) => this.#volumeOf(record, guard),
    }, holderId, mounts, options)
  }

  /**
   * Counts a volume's usage by listing it and rewrites its usage object with the
   * result. Run it when the volume is quiet: writes in flight meanwhile are not seen.
   */
  async recomputeUsage(idOrName: string, options: { signal?: AbortSignal } = {}): Promise<VolumeUsage> {
    const { record } = await this.#require(idOrName, 'recomputeUsage')
    const counts = await recountUsage(this.#volumeBlobs, `${record.volumeId}/`, options.signal)
    await this.#usage?.set(record.volumeId, counts)
    return { ...counts, ...this.#limitsOf(record) }
  }

  /** Finds a volume by id, then by name. */
  async #find(idOrName: string, destroying = false): Promise<VersionedRecord | undefined> {
    if (!isVolumeReference(idOrName)) return undefined
    const found = (await this.#registry.byId(idOrName)) ?? (await this.#registry.byName(idOrName))
    return found && (destroying || !found.record.destroying) ? found : undefined
  }

  async #require(idOrName: string, op: string): Promise<VersionedRecord> {
    const found = await this.#find(idOrName)
    if (!found) {
      const shown = displayVolumeReference(String(idOrName))
      throw new VolumeError('ENOENT', { op, path: shown, reason: 'VolumeNotFound', detail: `Volume "${shown}" not found` })
    }
    return found
  }

  #limitsOf(record: StoredVolumeRecord): { sizeBytes: number | null; maxInodes: number | null } {
    if (!this.#usage) return { sizeBytes: null, maxInodes: null }
    return { sizeBytes: record.sizeGb * this.#bytesPerGb, maxInodes: Number.isFinite(this.#maxInodes) ? this.#maxInodes : null }
  }

  #contextOf(record: StoredVolumeRecord, guard?: MutationGuard, withQuota = true): VolumeContext {
    const quota = withQuota && this.#usage
      ? new VolumeQuota(this.#usage, record.volumeId, record.name, { maxBytes: record.sizeGb * this.#bytesPerGb, maxInodes: this.#maxInodes })
      : undefined
    const keys = new KeySpace(`${record.volumeId}/`, this.blobs.capabilities)
    const tracked = this.#activity.track(this.#volumeBlobs, record.volumeId, record.name)
    return {
      volumeId: record.volumeId,
      // Errors name the user's paths, never the volume's keys.
      blobs: withUserPaths(guard ? withMutationFence(tracked, guard, (key) => keys.pathOf(key)) : tracked, keys),
      keys,
      defaults: this.#defaults,
      concurrency: this.#concurrency,
      guard,
      quota,
      changes: this.changes,
    }
  }

  #volumeOf(record: StoredVolumeRecord, guard?: MutationGuard): Volume {
    return new Volume(this.#contextOf(record, guard), toVolumeInfo(record), this.#snapshots)
  }
}

/**
 * Opens a whole bucket (or a prefix of it) as one volume, without a registry:
 * the bucket-mount case, where other tools (s3fs, rclone, gcsfuse) write the same keys.
 */
export function openBucketVolume(blobs: BlobStore, options: { prefix?: string; name?: string; defaults?: AttributeDefaults; concurrency?: number } = {}): Volume {
  const prefix = options.prefix ? options.prefix.replace(/\/*$/, '/') : ''
  const context: VolumeContext = {
    volumeId: `bucket:${prefix}`,
    blobs,
    keys: new KeySpace(prefix, blobs.capabilities),
    defaults: options.defaults ?? defaultAttributes,
    concurrency: options.concurrency ?? 16,
    legacyMarkers: true,
  }
  return new Volume(context, { volumeId: context.volumeId, name: options.name ?? 'bucket', sizeGb: 0, region: 'bucket', createdAt: new Date(0), labels: {} })
}
