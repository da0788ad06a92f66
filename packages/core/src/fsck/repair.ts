import type { BlobStore } from '../blob/blob-store.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { decodeAttributes, encodeAttributes, nanosecondsOf, type AttributeDefaults } from '../metadata/codec.js'
import type { FsckRepair } from './findings.js'

/** What repairs need besides the store. */
export interface RepairContext {
  readonly blobs: BlobStore
  readonly defaults: AttributeDefaults
  readonly signal?: AbortSignal | undefined
  /** Rebuilds a volume's usage object from a recount. */
  readonly recountUsage?: ((volumeId: string) => Promise<unknown>) | undefined
}

const empty = new Uint8Array(0)
const DIRECTORY_TYPE = 'application/x-directory'

/**
 * Carries out one repair. Each writes the new form before it removes the old one, and
 * each write is conditional on what the scan saw, so a repair that is interrupted (even by
 * kill -9) leaves the old form, the new one or both, never neither, and the next run
 * finishes it. Throws EPRECONDITION when the object changed since the scan.
 */
export async function runRepair(context: RepairContext, repair: FsckRepair): Promise<void> {
  const { blobs, defaults, signal } = context
  const ifMatch = (version: string): { ifMatch?: string } => (blobs.capabilities.compareAndSwap ? { ifMatch: version } : {})
  switch (repair.type) {
    case 'rewrite-metadata': {
      const { head, kind } = repair
      const attributes = decodeAttributes(head.metadata, kind, head.lastModified, defaults)
      await blobs.setMetadata(head.key, { ...head.metadata, ...encodeAttributes(attributes) }, { ...ifMatch(head.version), contentType: head.contentType, signal })
      return
    }
    case 'write-symlink-body': {
      const { head, target } = repair
      const attributes = decodeAttributes(head.metadata, 'file', head.lastModified, defaults)
      const body = new TextEncoder().encode(target)
      await blobs.put(head.key, body, { metadata: { ...head.metadata, ...encodeAttributes({ ...attributes, type: 'symlink' }) }, contentType: head.contentType, contentLength: body.byteLength, ...ifMatch(head.version), signal })
      return
    }
    case 'move-to-marker': {
      const { head, markerKey } = repair
      const attributes = decodeAttributes(head.metadata, 'directory', head.lastModified, defaults)
      await createMarker(blobs, markerKey, encodeAttributes(attributes), signal)
      const now = await blobs.head(head.key, { signal })
      if (now && now.version !== head.version) throw new VolumeError('EPRECONDITION', { op: 'fsck', path: head.key, detail: 'changed since it was scanned' })
      if (now) await deleteOne(blobs, head.key, signal)
      return
    }
    case 'create-marker': {
      const time = nanosecondsOf(repair.time ?? new Date())
      const metadata = encodeAttributes({ type: 'directory', mode: defaults.directoryMode, uid: defaults.uid, gid: defaults.gid, atimeNs: time, mtimeNs: time, ctimeNs: time })
      await createMarker(blobs, repair.markerKey, metadata, signal)
      return
    }
    case 'recount-usage':
      await context.recountUsage?.(repair.volumeId)
      return
    case 'delete':
      await deleteOne(blobs, repair.key, signal)
      return
  }
}

/** Writes a directory marker unless one is there (a marker someone wrote meanwhile wins). */
async function createMarker(blobs: BlobStore, key: string, metadata: Record<string, string>, signal: AbortSignal | undefined): Promise<void> {
  if (!blobs.capabilities.conditionalCreate && (await blobs.head(key, { signal }))) return
  try {
    await blobs.put(key, empty, { metadata, contentType: DIRECTORY_TYPE, contentLength: 0, ...(blobs.capabilities.conditionalCreate ? { ifNoneMatch: '*' as const } : {}), signal })
  } catch (error) {
    if (!isVolumeError(error, 'EPRECONDITION') && !isVolumeError(error, 'EEXIST')) throw error
  }
}

async function deleteOne(blobs: BlobStore, key: string, signal: AbortSignal | undefined): Promise<void> {
  const result = await blobs.delete([key], { signal })
  const failure = result.failed[0]
  if (failure) throw failure.error
}
