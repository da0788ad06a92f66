import { VolumeError, type LeaseManager, type Volume } from '@volumes/core'
import type { Principal } from './principal.js'

/**
 * Checks what a principal may do on a volume it reaches (see `Tenancy.open`):
 * - a read-only volume token refuses mutations with 403 `EROFS`;
 * - an attachment token (one with a holder) works only while its holder holds a lease on
 *   the volume, looked up in the lease manager on every request (one Redis round trip):
 *   otherwise 423 `EBUSY` (reason `LeaseLost`); a `readonly` lease refuses mutations (`EROFS`).
 *
 * API keys may do anything to their team's volumes, attached or not, as the library lets
 * an unattached handle write: attachment leases bind holders, not administrators.
 */
export async function checkAccess(leases: LeaseManager, principal: Principal, volume: Volume, write: boolean, op: string, path: string): Promise<void> {
  if (principal.kind === 'key') return
  if (write && principal.readOnly) {
    throw new VolumeError('EROFS', { op, path, reason: 'ReadOnlyToken', detail: `read-only volume "${volume.name}" (read-only token)` })
  }
  if (principal.holderId === undefined) return
  const lease = (await leases.listAttachments(volume.volumeId)).find((candidate) => candidate.holderId === principal.holderId)
  if (!lease) {
    throw new VolumeError('EBUSY', { op, path, reason: 'LeaseLost', detail: `the attachment of volume "${volume.name}" has ended (lease lost or released); nothing was done` })
  }
  if (write && lease.mode === 'readonly') {
    throw new VolumeError('EROFS', { op, path, reason: 'ReadOnlyAttachment', detail: `read-only volume "${volume.name}" (attached readonly)` })
  }
}
