import { Readable, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { CreateWriteStreamOptions, File, PreconditionOptions } from '@google-cloud/storage'
import { throwIfAborted, VolumeError, type BlobBody, type BlobHead, type BlobPutOptions, type BlobWriteConditions } from '@volumes/core'
import { objectName, type GcsContext } from './config.js'
import { toVolumeError } from './errors.js'
import { toBlobHead, type GcsObjectResource } from './object-head.js'
import { withPosixKeys } from './posix-keys.js'
import { prepareBody } from './upload-body.js'
import { parseVersion } from './version.js'

/**
 * GCS preconditions for write conditions: `ifNoneMatch: '*'` → `ifGenerationMatch: 0`;
 * `ifMatch: <version>` → the version's generation and metageneration. A version this adapter
 * did not issue matches no object, so it fails as a precondition without a request.
 */
export function preconditionsFor(conditions: BlobWriteConditions, op: string, key: string): PreconditionOptions {
  if (conditions.ifNoneMatch !== undefined && conditions.ifMatch !== undefined) {
    throw new VolumeError('EINVAL', { op, path: key, detail: 'ifNoneMatch and ifMatch cannot be combined' })
  }
  if (conditions.ifNoneMatch === '*') return { ifGenerationMatch: 0 }
  if (conditions.ifMatch === undefined) return {}
  const version = parseVersion(conditions.ifMatch)
  if (!version || version.generation === '0') throw new VolumeError('EPRECONDITION', { op, path: key })
  return { ifGenerationMatch: version.generation, ifMetagenerationMatch: version.metageneration }
}

/**
 * `put`: one multipart request for a body known (or found, reading ahead) to be small,
 * a resumable streaming upload otherwise. Conditions travel as generation preconditions,
 * so GCS decides them atomically; a failed one is EPRECONDITION and writes nothing.
 */
export async function putObject(context: GcsContext, key: string, body: BlobBody, options: BlobPutOptions = {}): Promise<BlobHead> {
  const op = 'put'
  const name = objectName(context, key, op)
  throwIfAborted(options.signal, op, key)
  const preconditionOpts = preconditionsFor(options, op, key)
  const prepared = await prepareBody(body, context.singleRequestMaxBytes, options.contentLength).catch((error: unknown) => {
    throw toVolumeError(error, op, key)
  })
  throwIfAborted(options.signal, op, key)
  const file = context.bucket.file(name)
  const writeOptions: CreateWriteStreamOptions = {
    resumable: prepared.kind === 'stream',
    metadata: { ...(options.contentType === undefined ? {} : { contentType: options.contentType }), metadata: withPosixKeys(options.metadata ?? {}) },
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    preconditionOpts,
  }
  try {
    const writable = file.createWriteStream(writeOptions)
    if (prepared.kind === 'bytes') await endWith(writable, prepared.bytes, options.signal, key)
    else await pipeline(Readable.from(prepared.chunks), writable, options.signal ? { signal: options.signal } : {})
  } catch (error) {
    if (options.signal?.aborted) throw new VolumeError('ECANCELED', { op, path: key, cause: error })
    throw toVolumeError(error, op, key)
  }
  return toBlobHead(context, uploadedResource(file, key))
}

/** Writes all of `bytes` and waits for the upload to finish (as `File#save` does, without its retries). */
function endWith(writable: Writable, bytes: Buffer, signal: AbortSignal | undefined, key: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      writable.destroy(new VolumeError('ECANCELED', { op: 'put', path: key, cause: signal?.reason }))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    const settle = (error?: unknown): void => {
      signal?.removeEventListener('abort', onAbort)
      if (error) reject(error)
      else resolve()
    }
    writable.once('error', settle)
    writable.once('finish', () => settle())
    writable.end(bytes)
  })
}

function uploadedResource(file: File, key: string): GcsObjectResource {
  const resource = file.metadata as GcsObjectResource | undefined
  if (!resource?.generation) throw new VolumeError('EIO', { op: 'put', path: key, detail: 'GCS answered the upload without the object resource' })
  return resource
}
