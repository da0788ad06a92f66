import { isVolumeError, VolumeError, type LeaseMode } from '@volumes/core'

/** The conflict error of every lease manager: EBUSY, reason `VolumeAttached`. */
export function attachedError(volumeId: string, mode: LeaseMode | string): VolumeError {
  return new VolumeError('EBUSY', { op: 'attach', path: volumeId, reason: 'VolumeAttached', detail: `Volume "${volumeId}" is already attached (${mode})` })
}

/** Redis replies that say "try again later" rather than "this is wrong". */
const temporaryReplies = /^(BUSY|LOADING|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|MOVED|ASK|NOREPLICAS)\b/

/**
 * Maps an ioredis error to a {@link VolumeError}, in one place: command timeouts → ETIMEDOUT,
 * connection failures and transient replies → EAGAIN (temporary), other replies → EIO.
 */
export function toVolumeError(error: unknown, op: string, path?: string): VolumeError {
  if (isVolumeError(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  const name = error instanceof Error ? error.name : ''
  if (/timed out/i.test(message)) return new VolumeError('ETIMEDOUT', { op, path, detail: `Redis: ${message}`, cause: error })
  if (name === 'ReplyError' && !temporaryReplies.test(message)) return new VolumeError('EIO', { op, path, detail: `Redis: ${message}`, cause: error })
  return new VolumeError('EAGAIN', { op, path, detail: `Redis unavailable: ${message}`, temporary: true, cause: error })
}
