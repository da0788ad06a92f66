import { VolumeError } from '../errors/volume-error.js'
import type { StoredVolumeRecord } from '../registry/volume-record.js'

/** Rules for `store.attach`, configured per store. */
export interface AttachPolicy {
  /**
   * Most volumes one holder may have attached at once, counting the ones it already
   * holds. Unlimited by default; 1 reproduces the one-volume-per-sandbox provider
   * (`Only one volume can be mounted per sandbox`).
   */
  readonly maxVolumesPerHolder?: number | undefined
  /**
   * Create a volume a mount names that does not exist yet: `{ name, sizeGb }`, or a
   * bare name with the default size, in the attach region. Default false (ENOENT).
   */
  readonly createOnFirstUse?: boolean | undefined
  /** Refuse to attach a volume from a region other than its own. Default true. */
  readonly bindRegion?: boolean | undefined
}

/**
 * Throws EINVAL (reason `TooManyVolumes`) when `requested` volumes plus the ones the
 * holder already holds (`held`) exceed the policy's per-holder limit.
 */
export function checkHolderLimit(policy: AttachPolicy, holderId: string, held: Iterable<string>, requested: Iterable<string>): void {
  const max = policy.maxVolumesPerHolder
  if (max === undefined) return
  const volumes = new Set([...held, ...requested])
  if (volumes.size <= max) return
  const detail = max === 1 ? 'Only one volume can be mounted per sandbox' : `At most ${max} volumes can be mounted per holder`
  throw new VolumeError('EINVAL', { op: 'attach', path: holderId, reason: 'TooManyVolumes', detail })
}

/** Throws EINVAL (reason `RegionMismatch`), `Volume "x" is in region iad`, when the volume lives in another region. */
export function checkRegion(policy: AttachPolicy, record: StoredVolumeRecord, region: string): void {
  if (policy.bindRegion === false || record.region === region) return
  throw new VolumeError('EINVAL', { op: 'attach', path: record.name, reason: 'RegionMismatch', detail: `Volume "${record.name}" is in region ${record.region}` })
}

/** EBUSY (reason `VolumeAttached`), `Volume "x" is already attached`. */
export function alreadyAttached(record: StoredVolumeRecord, cause: unknown): VolumeError {
  return new VolumeError('EBUSY', { op: 'attach', path: record.name, reason: 'VolumeAttached', detail: `Volume "${record.name}" is already attached`, cause })
}
