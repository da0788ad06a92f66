import type { BlobStore } from '../blob/blob-store.js'
import { VolumeError } from '../errors/volume-error.js'
import type { LeaseManager } from '../leases/lease-manager.js'
import type { UsageTracker } from '../quota/usage-tracker.js'
import { checkLabels, checkVolumeName, checkVolumeSize, type NamePolicy, type SizePolicy } from '../registry/volume-policy.js'
import type { StoredVolumeRecord, VolumeInfo } from '../registry/volume-record.js'
import { newVolumeId, type VolumeRegistry } from '../registry/volume-registry.js'
import type { Volume } from '../volume/volume.js'
import type { VolumeContext } from '../volume/volume-context.js'
import { copyConsistently, deleteUncounted } from './consistent-copy.js'
import { restoreTree } from './restore-tree.js'
import { newSnapshotId, snapshotDataPrefix, toSnapshotInfo, type SnapshotInfo, type StoredSnapshotRecord } from './snapshot-record.js'
import { SnapshotRegistry } from './snapshot-registry.js'

/** Options of `volume.snapshot()`. */
export interface SnapshotOptions {
  /** A name for people (validated like volume names; not unique). */
  readonly name?: string | undefined
  readonly labels?: Record<string, string> | undefined
  readonly signal?: AbortSignal | undefined
}

/** Options of `store.fork()`. */
export interface ForkOptions {
  /** Size of the new volume; default the source volume's size when the snapshot was taken. */
  readonly sizeGb?: number | undefined
  /** Labels of the new volume; default the source volume's labels when the snapshot was taken. */
  readonly labels?: Record<string, string> | undefined
  readonly signal?: AbortSignal | undefined
}

/** Options of `volume.restore()`. */
export interface RestoreOptions {
  /** The holder this call acts for: its own attachment does not make the restore EBUSY. */
  readonly holderId?: string | undefined
  readonly signal?: AbortSignal | undefined
}

/** What the snapshot operations need of their {@link VolumeStore}. */
export interface SnapshotHost {
  readonly blobs: BlobStore
  /** The store as volumes see it (removal claims hidden). */
  readonly volumeBlobs: BlobStore
  readonly leases: LeaseManager
  readonly registry: VolumeRegistry
  readonly usage: UsageTracker | undefined
  readonly concurrency: number
  readonly region: string
  readonly namePolicy: NamePolicy
  readonly sizePolicy: SizePolicy
  /** Bytes and inodes a volume of this size may hold (infinite without quotas). */
  limitsOf(sizeGb: number): { maxBytes: number; maxInodes: number }
  find(idOrName: string): Promise<StoredVolumeRecord | undefined>
  open(record: StoredVolumeRecord): Volume
  /** Marks the volume's record as having snapshots (destroy then looks for them). */
  markHasSnapshots(volumeId: string): Promise<void>
}

/** The snapshot half of a volume handle. */
export interface VolumeSnapshotOps {
  snapshot(info: VolumeInfo, options?: SnapshotOptions): Promise<SnapshotInfo>
  restore(context: VolumeContext, info: VolumeInfo, snapshotId: string, options?: RestoreOptions): Promise<SnapshotInfo>
}

/**
 * Snapshots, fork and restore by server-side copies: a snapshot's content is a copy of the
 * volume's objects under `.registry/snapshot-data/<snapshotId>/` (outside every volume, so it
 * counts against no volume's quota), with its record in `.registry/snapshots/<snapshotId>`
 * written `creating` first and `ready` last: a snapshot is visible only once whole.
 */
export class Snapshots implements VolumeSnapshotOps {
  readonly records: SnapshotRegistry

  constructor(private readonly host: SnapshotHost) {
    this.records = new SnapshotRegistry(host.blobs)
  }

  async snapshot(info: VolumeInfo, options: SnapshotOptions = {}): Promise<SnapshotInfo> {
    const name = options.name === undefined ? undefined : checkVolumeName(options.name, this.host.namePolicy)
    const labels = checkLabels(options.labels)
    const snapshotId = newSnapshotId()
    const pending: StoredSnapshotRecord = {
      snapshotId, volumeId: info.volumeId, volumeName: info.name, volumeSizeGb: info.sizeGb, volumeLabels: { ...info.labels },
      ...(name === undefined ? {} : { name }), labels, createdAt: new Date().toISOString(), state: 'creating', files: 0, bytes: 0, inodes: 0,
    }
    const version = await this.records.create(pending)
    await this.host.markHasSnapshots(info.volumeId)
    let counts
    try {
      counts = await copyConsistently(this.host.volumeBlobs, this.host.blobs, `${info.volumeId}/`, snapshotDataPrefix(snapshotId), this.host.concurrency, 'snapshot', options.signal)
    } catch (error) {
      // A failed snapshot leaves nothing (a crash leaves an invisible `creating` record, which deleteSnapshot removes).
      await this.delete(snapshotId).catch(() => undefined)
      throw error
    }
    const ready: StoredSnapshotRecord = { ...pending, ...counts, createdAt: new Date().toISOString(), state: 'ready' }
    await this.records.update(ready, version)
    return toSnapshotInfo(ready)
  }

  /** Ready snapshots of one volume id, oldest first. */
  async listOf(volumeId: string, signal?: AbortSignal): Promise<SnapshotInfo[]> {
    return (await this.records.list(signal)).filter((record) => record.volumeId === volumeId && record.state === 'ready').map(toSnapshotInfo)
  }

  async get(snapshotId: string): Promise<SnapshotInfo> {
    return toSnapshotInfo((await this.records.require(snapshotId, 'getSnapshot')).record)
  }

  /** Deletes a snapshot (also one left `creating` by a crash): its content, then its record. False when there is none. */
  async delete(snapshotId: string, signal?: AbortSignal): Promise<boolean> {
    const found = await this.records.byId(snapshotId)
    if (!found) return false
    await deleteUncounted(this.host.blobs, snapshotDataPrefix(snapshotId), 'deleteSnapshot', signal)
    await this.records.remove(snapshotId)
    return true
  }

  async fork(snapshotId: string, newName: string, options: ForkOptions = {}): Promise<Volume> {
    const name = checkVolumeName(newName, this.host.namePolicy)
    const labels = options.labels === undefined ? undefined : checkLabels(options.labels)
    if (options.sizeGb !== undefined) checkVolumeSize(options.sizeGb, this.host.sizePolicy)
    const { record: snapshot } = await this.records.require(snapshotId, 'fork')
    if (await this.host.find(name)) throw nameTaken(name)
    const record: StoredVolumeRecord = {
      volumeId: newVolumeId(), name,
      sizeGb: options.sizeGb ?? snapshot.volumeSizeGb,
      region: this.host.region, createdAt: new Date().toISOString(),
      labels: labels ?? { ...snapshot.volumeLabels },
    }
    checkFits(snapshot, record.sizeGb, this.host, 'fork', name)
    const prefix = `${record.volumeId}/`
    try {
      // The new volume's objects are written before its record: a fork that stops half-way is never visible.
      const counts = await copyConsistently(this.host.blobs, this.host.blobs, snapshotDataPrefix(snapshotId), prefix, this.host.concurrency, 'fork', options.signal)
      if (this.host.usage) {
        await this.host.usage.initialise(record.volumeId)
        await this.host.usage.set(record.volumeId, { bytes: counts.bytes, inodes: counts.inodes })
      }
      await this.host.registry.create(record)
    } catch (error) {
      await deleteUncounted(this.host.blobs, prefix, 'fork').catch(() => undefined)
      await this.host.usage?.forget(record.volumeId).catch(() => undefined)
      throw error
    }
    return this.host.open(record)
  }

  async restore(context: VolumeContext, info: VolumeInfo, snapshotId: string, options: RestoreOptions = {}): Promise<SnapshotInfo> {
    const { record: snapshot } = await this.records.require(snapshotId, 'restore')
    checkFits(snapshot, info.sizeGb, this.host, 'restore', info.name)
    await context.guard?.beforeMutation('restore', '/')
    const attached = await this.host.leases.listAttachments(info.volumeId)
    const others = attached.filter((lease) => lease.holderId !== options.holderId)
    if (others.length > 0) {
      throw new VolumeError('EBUSY', { op: 'restore', path: info.name, reason: 'VolumeAttached', detail: `Volume "${info.name}" is attached by "${others[0]!.holderId}"` })
    }
    // Nobody else may attach while the content is replaced.
    const lease = attached.length === 0 ? await this.host.leases.acquire(info.volumeId, `restore:${snapshotId}`, { mode: 'exclusive', autoRenew: true }) : undefined
    try {
      await restoreTree(context, this.host.blobs, snapshotDataPrefix(snapshotId), options.signal)
    } finally {
      await lease?.release()
    }
    return toSnapshotInfo(snapshot)
  }
}

function checkFits(snapshot: StoredSnapshotRecord, sizeGb: number, host: SnapshotHost, op: string, name: string): void {
  const { maxBytes, maxInodes } = host.limitsOf(sizeGb)
  if (snapshot.bytes > maxBytes || snapshot.inodes > maxInodes) {
    throw new VolumeError('ENOSPC', { op, path: name, reason: 'QuotaExceeded', detail: `snapshot holds ${snapshot.bytes} bytes in ${snapshot.inodes} inodes; volume "${name}" allows ${maxBytes} bytes, ${maxInodes} inodes` })
  }
}

function nameTaken(name: string): VolumeError {
  return new VolumeError('EEXIST', { op: 'fork', path: name, reason: 'VolumeNameTaken', detail: `Volume "${name}" already exists` })
}
