import { leaseModesCompatible, VolumeError, type LeaseManager, type Volume } from '@volumes/core'
import { checkAccess } from '../auth/access.js'
import type { Principal } from '../auth/principal.js'

/**
 * Checks a request of the E2B content API before it touches a volume. Reads: what
 * `checkAccess` checks (a lost attachment token). Writes, in addition: a client of this API
 * holds no attachment, so it writes as one more `shared` writer would: while another holder
 * has the volume attached `exclusive` (or `readonly`, whose holders expect no writer),
 * the write is refused with EBUSY (reason `VolumeAttached`) before anything is written.
 * One `listAttachments` per write (a map lookup in memory, a round trip to Redis).
 */
export async function checkE2bAccess(leases: LeaseManager, principal: Principal, volume: Volume, write: boolean, op: string, path: string): Promise<void> {
  await checkAccess(leases, principal, volume, write, op, path)
  if (!write) return
  const own = principal.kind === 'token' ? principal.holderId : undefined
  const blocking = (await leases.listAttachments(volume.volumeId)).find((lease) => lease.holderId !== own && !leaseModesCompatible(lease.mode, 'shared'))
  if (blocking) {
    throw new VolumeError('EBUSY', {
      op,
      path,
      reason: 'VolumeAttached',
      detail: `Volume "${volume.name}" is attached ${blocking.mode} by another holder; nothing was written`,
    })
  }
}
