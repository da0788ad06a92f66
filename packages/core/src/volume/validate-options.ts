import { VolumeError } from '../errors/volume-error.js'
import type { OwnershipOptions } from './entry-info-of.js'

/** Checks mode (0..0o7777) and uid/gid (0..2^32-2) options; EINVAL naming the bad one. */
export function checkOwnership(options: OwnershipOptions, op: string, path: string): void {
  const { mode, uid, gid } = options
  if (mode !== undefined && (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)) {
    throw new VolumeError('EINVAL', { op, path, reason: 'InvalidMode', detail: `mode must be an integer from 0 to 0o7777, got ${String(mode)}` })
  }
  for (const [name, value] of [['uid', uid], ['gid', gid]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 0xffff_fffe)) {
      throw new VolumeError('EINVAL', { op, path, reason: `Invalid${name.toUpperCase()}`, detail: `${name} must be an integer from 0 to 4294967294, got ${String(value)}` })
    }
  }
}
