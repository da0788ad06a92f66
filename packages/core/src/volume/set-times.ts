import { isVolumeError } from '../errors/volume-error.js'
import { decodeAttributes, encodeAttributes, nanosecondsOf } from '../metadata/codec.js'
import type { EntryInfo } from '../metadata/entry-info.js'
import { requireEntry } from './entry-resolver.js'
import { entryInfoOf, entryInfoWithTarget } from './entry-info-of.js'
import { guardMutation, type VolumeContext } from './volume-context.js'

const ATTEMPTS = 5

/** Times for `setTimes`; an omitted one is kept. */
export interface TimesChange {
  readonly atime?: Date | undefined
  readonly mtime?: Date | undefined
}

/**
 * Sets atime and/or mtime (and ctime to now), as utimensat(2) does, keeping content,
 * mode and owner. Compare-and-swap where the backend has it. A directory without a
 * marker object (implicit, or a bucket's root) has no times to keep: unchanged.
 */
export async function setTimes(context: VolumeContext, path: string, times: TimesChange): Promise<EntryInfo> {
  const op = 'utimes'
  await guardMutation(context, op, path)
  for (let attempt = 1; ; attempt++) {
    const entry = await requireEntry(context, path, op)
    const head = entry.head
    if (!head) return entryInfoOf(context, path, entry.kind, head)
    const before = decodeAttributes(head.metadata, entry.kind, head.lastModified, context.defaults)
    const after = {
      ...before,
      atimeNs: times.atime ? nanosecondsOf(times.atime) : before.atimeNs,
      mtimeNs: times.mtime ? nanosecondsOf(times.mtime) : before.mtimeNs,
      ctimeNs: nanosecondsOf(),
    }
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
