import type { Readable } from 'node:stream'
import { dateOf, decodeAttributes, isVolumeError, KeySpace, metadataKeys, type BlobStore, type Volume } from '@volumes/core'

/** What a file response needs to know about the file. */
export interface FileFacts {
  readonly path: string
  readonly size: number
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly mtime: Date
}

/**
 * Opens a whole file in ONE request to the store, reading its attributes from the head
 * that comes with the body (a `getInfo` then `createReadStream` costs two, plus the
 * registry). Only for the common case: an object of the volume's own layout
 * (`<volumeId>/<path>`, as DESIGN.md lays it out) that carries our full metadata and is a
 * regular file. Anything else (missing, a directory, a symlink, a foreign object whose
 * attributes come from the store's defaults) resolves undefined, with nothing left open,
 * and the caller takes core's path, which says the right error or the right defaults.
 *
 * Core could offer this itself (an `open(path)` that returns the entry info with the
 * stream); the server would then drop this file.
 */
export async function openWholeFile(blobs: BlobStore, volume: Volume, path: string, signal?: AbortSignal): Promise<{ facts: FileFacts; body: Readable } | undefined> {
  if (path === '/') return undefined
  const key = new KeySpace(`${volume.volumeId}/`, blobs.capabilities).fileKey(path, 'readFile')
  let result: Awaited<ReturnType<BlobStore['get']>>
  try {
    result = await blobs.get(key, signal ? { signal } : {})
  } catch (error) {
    if (isVolumeError(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) return undefined
    throw error
  }
  const { head, body } = result
  const metadata = head.metadata
  const ours = metadata !== undefined && [metadataKeys.mode, metadataKeys.uid, metadataKeys.gid, metadataKeys.mtime].every((name) => metadata[name] !== undefined)
  const attributes = ours ? decodeAttributes(metadata, 'file', head.lastModified) : undefined
  if (!attributes || attributes.type !== 'file') {
    body.destroy()
    return undefined
  }
  return { facts: { path, size: head.size, mode: attributes.mode, uid: attributes.uid, gid: attributes.gid, mtime: dateOf(attributes.mtimeNs) }, body }
}
