import { VolumeError, type BlobHead, type BlobMetadata, type BlobSetMetadataOptions } from '@volumes/core'
import { objectName, type GcsContext } from './config.js'
import { isPreconditionFailed } from './errors.js'
import { toBlobHead, userMetadata, versionOf, type GcsObjectResource } from './object-head.js'
import { withPosixKeys } from './posix-keys.js'
import { fetchResource } from './read.js'
import { call } from './signal.js'

/** A PATCH that loses a race without a caller's condition is tried again this often. */
const ATTEMPTS = 5

/**
 * `setMetadata`: replaces the user metadata with a PATCH of the object's resource — the data
 * is not rewritten and the generation stays. A PATCH merges keys, so the current resource is
 * read first and keys that go away are sent as null. The PATCH carries the generation and
 * metageneration that were read (`ifGenerationMatch`, `ifMetagenerationMatch`), so nothing
 * changes if the object moved in between: with `ifMatch` that is EPRECONDITION, without it
 * the read and the PATCH are done again.
 */
export async function setObjectMetadata(context: GcsContext, key: string, metadata: BlobMetadata, options: BlobSetMetadataOptions = {}): Promise<BlobHead> {
  const op = 'setMetadata'
  const file = context.bucket.file(objectName(context, key, op))
  const wanted = withPosixKeys(metadata)
  for (let attempt = 1; ; attempt++) {
    const current = await fetchResource(context, file.name, op, key, options.signal)
    if (!current) throw new VolumeError('ENOENT', { op, path: key })
    if (options.ifMatch !== undefined && versionOf(current) !== options.ifMatch) throw new VolumeError('EPRECONDITION', { op, path: key })
    const patch: Record<string, string | null> = { ...wanted }
    for (const old of Object.keys(userMetadata(current))) if (!(old in wanted)) patch[old] = null
    const preconditions = { ifGenerationMatch: String(current.generation), ifMetagenerationMatch: String(current.metageneration) }
    try {
      const [updated] = await call(op, key, options.signal, () =>
        file.setMetadata({ metadata: patch, ...(options.contentType === undefined ? {} : { contentType: options.contentType }) }, preconditions),
      )
      return toBlobHead(context, updated as GcsObjectResource)
    } catch (error) {
      if (!isPreconditionFailed(error) || options.ifMatch !== undefined || attempt >= ATTEMPTS) throw error
    }
  }
}
