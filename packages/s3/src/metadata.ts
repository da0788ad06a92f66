import { isVolumeError, throwIfAborted, VolumeError, type BlobHead, type BlobMetadata, type BlobSetMetadataOptions } from '@volumes/core'
import { objectKey, type S3Context } from './context.js'
import { serverSideCopy, SOURCE_CHANGED, SOURCE_CHANGED_ATTEMPTS, sourceKeptChanging } from './copy.js'
import { versionMatches } from './object-head.js'
import { headObject } from './read.js'

/**
 * {@link BlobStore.setMetadata}: a copy of the object onto itself with the metadata replaced
 * (`MetadataDirective: REPLACE`), guarded by `x-amz-copy-source-if-match` with the ETag of a
 * HEAD taken just before, so the data cannot change underneath. `ifMatch` is compared with that
 * HEAD in full (ETag and revision): the server can only check the ETag, which metadata-only
 * updates do not move, so a concurrent metadata-only update that lands between the HEAD and the
 * copy goes unnoticed. Objects over 5 GiB are copied part by part.
 */
export async function setMetadata(context: S3Context, key: string, metadata: BlobMetadata, options: BlobSetMetadataOptions = {}): Promise<BlobHead> {
  const { signal, ifMatch } = options
  throwIfAborted(signal, 'setMetadata', key)
  const bucketKey = objectKey(context, key, 'setMetadata')
  for (let attempt = 1; ; attempt++) {
    const current = await headObject(context, bucketKey, key, 'setMetadata', signal)
    if (!current) throw new VolumeError('ENOENT', { op: 'setMetadata', path: key })
    if (ifMatch !== undefined && !versionMatches(current, ifMatch)) {
      throw new VolumeError('EPRECONDITION', { op: 'setMetadata', path: key, detail: 'version does not match' })
    }
    try {
      return await serverSideCopy(context, { ...current, bucketKey }, {
        bucketKey, key, metadata, contentType: options.contentType ?? current.contentType, ifNoneMatch: false,
      }, 'setMetadata', signal)
    } catch (error) {
      if (!isVolumeError(error) || error.reason !== SOURCE_CHANGED) throw error
      if (ifMatch !== undefined) throw new VolumeError('EPRECONDITION', { op: 'setMetadata', path: key, detail: 'version does not match', cause: error })
      if (attempt >= SOURCE_CHANGED_ATTEMPTS) throw sourceKeptChanging('setMetadata', key, error)
    }
  }
}
