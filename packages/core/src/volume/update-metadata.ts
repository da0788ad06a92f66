import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { decodeAttributes, encodeAttributes, nanosecondsOf } from '../metadata/codec.js'
import type { EntryInfo } from '../metadata/entry-info.js'
import { chargeWrite } from '../quota/quota-charges.js'
import { requireEntry } from './entry-resolver.js'
import { entryInfoWithTarget, markerMetadata, type OwnershipOptions } from './entry-info-of.js'
import { checkOwnership } from './validate-options.js'
import { guardMutation, type VolumeContext } from './volume-context.js'

const ATTEMPTS = 5

/**
 * Changes mode, uid and/or gid (and sets ctime), keeping content and times.
 * Uses compare-and-swap where the backend has it, re-reading on a concurrent change.
 */
export async function updateMetadata(context: VolumeContext, path: string, changes: OwnershipOptions): Promise<EntryInfo> {
  const op = 'updateMetadata'
  checkOwnership(changes, op, path)
  await guardMutation(context, op, path)
  for (let attempt = 1; ; attempt++) {
    const entry = await requireEntry(context, path, op)
    const head = entry.head
    if (!head) {
      const key = context.keys.markerKey(path, op)
      if (key === undefined) throw new VolumeError('ENOTSUP', { op, path, detail: 'the root of a whole-bucket volume has no metadata object' })
      try {
        const created = await chargeWrite(context, op, path, 0, 1, () => context.blobs.put(key, new Uint8Array(), {
          metadata: markerMetadata(context, changes),
          contentType: 'application/x-directory',
          ...(context.blobs.capabilities.conditionalCreate ? { ifNoneMatch: '*' as const } : {}),
        }))
        return entryInfoWithTarget(context, path, 'directory', created)
      } catch (error) {
        // Someone else wrote the marker meanwhile: update theirs on the next attempt.
        if (!isVolumeError(error, 'EPRECONDITION') || attempt >= ATTEMPTS) throw error
        continue
      }
    }
    const before = decodeAttributes(head.metadata, entry.kind, head.lastModified, context.defaults)
    const after = { ...before, mode: changes.mode ?? before.mode, uid: changes.uid ?? before.uid, gid: changes.gid ?? before.gid, ctimeNs: nanosecondsOf() }
    try {
      const updated = await context.blobs.setMetadata(head.key, { ...head.metadata, ...encodeAttributes(after) }, {
        contentType: head.contentType,
        ...(context.blobs.capabilities.compareAndSwap ? { ifMatch: head.version } : {}),
      })
      return entryInfoWithTarget(context, path, entry.kind, updated.metadata ? updated : { ...updated, metadata: encodeAttributes(after) })
    } catch (error) {
      if (!isVolumeError(error, 'EPRECONDITION') || attempt >= ATTEMPTS) throw error
    }
  }
}
