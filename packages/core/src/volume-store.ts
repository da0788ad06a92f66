import type { BlobStore } from './blob/blob-store.js'
import { VolumeError } from './errors/volume-error.js'
import type { LeaseManager } from './leases/lease-manager.js'
import { MemoryLeaseManager } from './leases/memory-lease-manager.js'
import { defaultAttributes, type AttributeDefaults } from './metadata/codec.js'
import { KeySpace } from './paths/key-space.js'
import { checkLabels, checkVolumeName, checkVolumeSize, defaultSizePolicy, lettersDigitsHyphens, type NamePolicy, type SizePolicy } from './registry/volume-policy.js'
import { toVolumeInfo, type StoredVolumeRecord, type VolumeInfo } from './registry/volume-record.js'
import { newVolumeId, VolumeRegistry, type VersionedRecord } from './registry/volume-registry.js'
import { markerMetadata } from './volume/entry-info-of.js'
import { deleteTree } from './volume/tree-walk.js'
import { Volume } from './volume/volume.js'
import type { MutationGuard, VolumeContext } from './volume/volume-context.js'

/** Options of {@link VolumeStore}. */
export interface VolumeStoreOptions {
  /** Where volumes live: a local directory, a bucket... wrapped in any layers. */
  readonly blobs: BlobStore
  /** Attachment leases. Default: a {@link MemoryLeaseManager} (one process). */
  readonly leases?: LeaseManager | undefined
  /** Region of this store; volumes created here are bound to it. Default `local`. */
  readonly region?: string | undefined
  readonly namePolicy?: NamePolicy | undefined
  readonly sizePolicy?: SizePolicy | undefined
  /** Attributes of entries without our metadata. Default: files 0644, directories 0755, uid/gid 0. */
  readonly defaults?: AttributeDefaults | undefined
  /** Requests in flight for listings, recursive copies and deletes. Default 16. */
  readonly concurrency?: number | undefined
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
  readonly region: string
  readonly #registry: VolumeRegistry
  readonly #namePolicy: NamePolicy
  readonly #sizePolicy: SizePolicy
  readonly #defaults: AttributeDefaults
  readonly #concurrency: number

  constructor(options: VolumeStoreOptions) {
    this.blobs = options.blobs
    this.leases = options.leases ?? new MemoryLeaseManager()
    this.region = options.region ?? 'local'
    this.#registry = new VolumeRegistry(options.blobs)
    this.#namePolicy = options.namePolicy ?? lettersDigitsHyphens
    this.#sizePolicy = options.sizePolicy ?? defaultSizePolicy
    this.#defaults = options.defaults ?? defaultAttributes
    this.#concurrency = options.concurrency ?? 16
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
    return (await this.#registry.list(options.signal)).map(toVolumeInfo)
  }

  /** One volume's record, by id or name. */
  async getInfo(idOrName: string): Promise<VolumeInfo> {
    return toVolumeInfo((await this.#require(idOrName, 'getInfo')).record)
  }

  /**
   * Deletes a volume and everything in it. Returns false when it did not exist.
   * EBUSY while it is attached, unless `force`.
   */
  async destroy(idOrName: string, options: { force?: boolean; signal?: AbortSignal } = {}): Promise<boolean> {
    const found = await this.#find(idOrName)
    if (!found) return false
    const { record } = found
    const attachments = await this.leases.listAttachments(record.volumeId)
    if (attachments.length > 0 && !options.force) {
      throw new VolumeError('EBUSY', { op: 'destroy', path: record.name, reason: 'VolumeAttached', detail: `Volume "${record.name}" is attached` })
    }
    for (const attachment of attachments) await this.leases.forceRelease(record.volumeId, attachment.holderId, 'volume destroyed')
    await deleteTree(this.#contextOf(record), `${record.volumeId}/`, 'destroy', options.signal)
    await this.#registry.remove(record)
    return true
  }

  /** Finds a volume by id, then by name. */
  async #find(idOrName: string): Promise<VersionedRecord | undefined> {
    if (typeof idOrName !== 'string' || idOrName.length === 0 || idOrName.length > 256 || idOrName.includes('/')) return undefined
    return (await this.#registry.byId(idOrName)) ?? (await this.#registry.byName(idOrName))
  }

  async #require(idOrName: string, op: string): Promise<VersionedRecord> {
    const found = await this.#find(idOrName)
    if (!found) throw new VolumeError('ENOENT', { op, path: idOrName, reason: 'VolumeNotFound', detail: `Volume "${idOrName}" not found` })
    return found
  }

  #contextOf(record: StoredVolumeRecord, guard?: MutationGuard): VolumeContext {
    return {
      volumeId: record.volumeId,
      blobs: this.blobs,
      keys: new KeySpace(`${record.volumeId}/`, this.blobs.capabilities),
      defaults: this.#defaults,
      concurrency: this.#concurrency,
      guard,
    }
  }

  #volumeOf(record: StoredVolumeRecord, guard?: MutationGuard): Volume {
    return new Volume(this.#contextOf(record, guard), toVolumeInfo(record))
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
  }
  return new Volume(context, { volumeId: context.volumeId, name: options.name ?? 'bucket', sizeGb: 0, region: 'bucket', createdAt: new Date(0), labels: {} })
}
