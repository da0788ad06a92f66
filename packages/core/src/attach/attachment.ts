import { VolumeError, isVolumeError } from '../errors/volume-error.js'
import type { Lease, LeaseManager, LeaseMode } from '../leases/lease-manager.js'
import { normalisePath } from '../paths/volume-path.js'
import type { StoredVolumeRecord } from '../registry/volume-record.js'
import type { Volume } from '../volume/volume.js'
import type { MutationGuard } from '../volume/volume-context.js'
import { alreadyAttached, checkHolderLimit, checkRegion, type AttachPolicy } from './attach-policy.js'
import { LeaseGuard } from './lease-guard.js'
import { checkMountPaths } from './mount-paths.js'
import { resolveMount, type MountResolver, type MountSource } from './resolve-mount.js'

/** Options of `store.attach`. */
export interface AttachOptions {
  /** Default `exclusive`. */
  readonly mode?: LeaseMode | undefined
  /** Lease time to live; renewed automatically at a third of it. Default 30 s. */
  readonly ttlMs?: number | undefined
  /** Renew the leases automatically. Default true. */
  readonly autoRenew?: boolean | undefined
  /** Where the holder runs; a volume of another region is refused (see `AttachPolicy.bindRegion`). Default: the store's region. */
  readonly region?: string | undefined
  readonly signal?: AbortSignal | undefined
}

/** One mounted volume: its handle checks its lease before every mutation. */
export interface Mount {
  /** The normalised mount path. */
  readonly path: string
  readonly volume: Volume
  readonly lease: Lease
}

/** What `store.attach` returns: the holder's volumes, bound to their leases. */
export interface Attachment {
  readonly holderId: string
  readonly mode: LeaseMode
  /** In the order the mounts were given. */
  readonly mounts: readonly Mount[]
  /** Fires when any mount's lease is lost, or when the attachment is released. */
  readonly signal: AbortSignal
  /** The volume mounted at `path` (any spelling of it); EINVAL (reason `NotMounted`) when none is. */
  volume(path: string): Volume
  /** Releases every lease. Idempotent. */
  release(): Promise<void>
}

/** What `attachVolumes` needs from its store. */
export interface AttachHost extends MountResolver {
  readonly leases: LeaseManager
  readonly region: string
  readonly policy: AttachPolicy
  open(record: StoredVolumeRecord, guard: MutationGuard): Volume
}

/**
 * Attaches volumes to a holder, all or nothing. Mount paths are checked first
 * (see `checkMountPaths`), then every volume is found (or created on first use),
 * its region checked, and the holder's limit; then the leases are acquired in
 * volume-id order, so that contenders for the same volumes meet on the same first
 * one. If any lease cannot be had, the ones taken are released and the call fails
 * with EBUSY (reason `VolumeAttached`): `Volume "x" is already attached`.
 */
export async function attachVolumes(host: AttachHost, holderId: string, mounts: Readonly<Record<string, MountSource>>, options: AttachOptions = {}): Promise<Attachment> {
  if (typeof holderId !== 'string' || holderId.length === 0) throw new VolumeError('EINVAL', { op: 'attach', reason: 'InvalidHolder', detail: 'holderId must be a non-empty string' })
  const entries = Object.entries(mounts)
  const paths = checkMountPaths(entries.map(([path]) => path))
  // Before anything is created on first use: more mounts than the limit can never fit.
  checkHolderLimit(host.policy, holderId, [], paths)
  const region = options.region ?? host.region
  const createIn = host.policy.createOnFirstUse ? region : undefined
  const records = await Promise.all(entries.map(([, source]) => resolveMount(host, source, createIn)))
  const seen = new Map<string, string>()
  records.forEach((record, index) => {
    const other = seen.get(record.volumeId)
    if (other !== undefined) throw new VolumeError('EINVAL', { op: 'attach', path: paths[index], reason: 'VolumeMountedTwice', detail: `Volume "${record.name}" is mounted twice ('${other}' and '${paths[index]}')` })
    seen.set(record.volumeId, paths[index]!)
    checkRegion(host.policy, record, region)
  })
  const heldIds = async (): Promise<string[]> => (await host.leases.listByHolder(holderId)).map((lease) => lease.volumeId)
  if (host.policy.maxVolumesPerHolder !== undefined) checkHolderLimit(host.policy, holderId, await heldIds(), seen.keys())

  const leases = await acquireAll(host.leases, holderId, records, options)
  if (host.policy.maxVolumesPerHolder !== undefined) {
    // Two attaches of one holder may both have passed the check above: at most one keeps its leases.
    try {
      checkHolderLimit(host.policy, holderId, await heldIds(), seen.keys())
    } catch (error) {
      await Promise.allSettled(leases.map((lease) => lease.release()))
      throw error
    }
  }
  const mode = options.mode ?? 'exclusive'
  const mounted = records.map((record, index): Mount => {
    const lease = leases.find((l) => l.volumeId === record.volumeId)!
    return { path: paths[index]!, volume: host.open(record, new LeaseGuard(host.leases, lease, record.name)), lease }
  })
  return newAttachment(holderId, mode, mounted)
}

/** Acquires a lease on every volume in volume-id order; on any failure releases those taken. */
async function acquireAll(leases: LeaseManager, holderId: string, records: StoredVolumeRecord[], options: AttachOptions): Promise<Lease[]> {
  const taken: Lease[] = []
  const ordered = [...records].sort((a, b) => (a.volumeId < b.volumeId ? -1 : a.volumeId > b.volumeId ? 1 : 0))
  for (const record of ordered) {
    try {
      taken.push(await leases.acquire(record.volumeId, holderId, { mode: options.mode ?? 'exclusive', ttlMs: options.ttlMs, autoRenew: options.autoRenew, signal: options.signal }))
    } catch (error) {
      await Promise.allSettled(taken.map((lease) => lease.release()))
      throw isVolumeError(error, 'EBUSY') ? alreadyAttached(record, error) : error
    }
  }
  return taken
}

function newAttachment(holderId: string, mode: LeaseMode, mounts: Mount[]): Attachment {
  const released = new AbortController()
  const signal = AbortSignal.any([released.signal, ...mounts.map((mount) => mount.lease.signal)])
  let releasing: Promise<void> | undefined
  return {
    holderId,
    mode,
    mounts,
    signal,
    volume(path: string): Volume {
      const wanted = normalisePath(path, 'attach')
      const found = mounts.find((mount) => mount.path === wanted)
      if (!found) throw new VolumeError('EINVAL', { op: 'attach', path, reason: 'NotMounted', detail: `nothing is mounted at '${path}'` })
      return found.volume
    },
    release(): Promise<void> {
      releasing ??= (async () => {
        released.abort(new VolumeError('EBUSY', { op: 'release', path: holderId, reason: 'LeaseReleased', detail: 'attachment released' }))
        const results = await Promise.allSettled(mounts.map((mount) => mount.lease.release()))
        const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
        if (failed) throw failed.reason
      })()
      return releasing
    },
  }
}
