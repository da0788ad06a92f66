import type { CopyOptions } from '@google-cloud/storage'
import { VolumeError, type BlobCopyOptions, type BlobHead } from '@volumes/core'
import { objectName, type GcsContext } from './config.js'
import { toBlobHead, type GcsObjectResource } from './object-head.js'
import { withPosixKeys } from './posix-keys.js'
import { fetchResource } from './read.js'
import { call } from './signal.js'

/**
 * `copy`: a server-side `objects.rewrite`, which the client repeats with its rewrite token
 * until GCS reports it done (large objects, other locations or storage classes take several
 * calls). The bytes never pass through this process. `ifNoneMatch: '*'` is sent as
 * `ifGenerationMatch: 0`; a look at the destination first refuses early, and refuses on
 * servers that ignore rewrite preconditions (fake-gcs-server v1.56.1 does).
 */
export async function copyObject(context: GcsContext, sourceKey: string, destinationKey: string, options: BlobCopyOptions = {}): Promise<BlobHead> {
  const op = 'copy'
  const source = context.bucket.file(objectName(context, sourceKey, op))
  const destinationName = objectName(context, destinationKey, op)
  const copyOptions: CopyOptions = {
    ...(options.metadata === undefined ? {} : { metadata: withPosixKeys(options.metadata) }),
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
  }
  if (options.ifNoneMatch === '*') {
    if (await fetchResource(context, destinationName, op, destinationKey, options.signal)) throw new VolumeError('EPRECONDITION', { op, path: destinationKey })
    copyOptions.preconditionOpts = { ifGenerationMatch: 0 }
  }
  const [copied, response] = await call(op, sourceKey, options.signal, () => source.copy(context.bucket.file(destinationName), copyOptions))
  const resource = (response as { resource?: GcsObjectResource } | undefined)?.resource
  if (resource?.generation) return toBlobHead(context, resource)
  const [metadata] = await call(op, destinationKey, options.signal, () => copied.getMetadata())
  return toBlobHead(context, metadata)
}
