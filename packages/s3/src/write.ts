import { Readable } from 'node:stream'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { throwIfAborted, VolumeError, type BlobBody, type BlobHead, type BlobPutOptions } from '@volumes/core'
import { objectKey, sendOptions, type S3Context } from './context.js'
import { mapS3Error } from './errors.js'
import { formatVersion, newRevision, parseVersion, versionMatches, withRevision } from './object-head.js'
import { headObject } from './read.js'

/** Bytes read from a body so far, and the error the body itself raised, if any. */
interface BodyState {
  bytes: number
  error: unknown
}

/**
 * Passes a body through, counting its bytes and remembering an error the body itself raised
 * (not one thrown into this generator by its consumer, such as a destroyed stream's AbortError),
 * so that a failing body is reported as itself and not as the request it broke. With `expected`,
 * a body longer or shorter than announced fails with EINVAL.
 */
async function* counted(source: AsyncIterable<Uint8Array>, state: BodyState, key: string, expected?: number): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  const fail = (error: unknown): never => {
    state.error = error
    throw error
  }
  let finished = false
  try {
    for (;;) {
      let result: IteratorResult<Uint8Array>
      try {
        result = await iterator.next()
      } catch (error) {
        finished = true
        return fail(error)
      }
      if (result.done) break
      const chunk: unknown = result.value
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array)
      state.bytes += bytes.byteLength
      if (expected !== undefined && state.bytes > expected) {
        fail(new VolumeError('EINVAL', { op: 'put', path: key, reason: 'ContentLengthMismatch', detail: `body longer than its contentLength ${expected}` }))
      }
      yield bytes
    }
    finished = true
    if (expected !== undefined && state.bytes !== expected) {
      fail(new VolumeError('EINVAL', { op: 'put', path: key, reason: 'ContentLengthMismatch', detail: `body of ${state.bytes} bytes, contentLength ${expected}` }))
    }
  } finally {
    if (!finished) await iterator.return?.()
  }
}

/**
 * The body stream of a single streaming PUT. When the source fails, the stream does not emit
 * the error (the SDK's chunked-encoding wrapper would re-emit it where nobody listens): it calls
 * `onFailure`, which aborts the request, and stays silent until destroyed.
 */
function putBodyStream(source: AsyncIterable<Uint8Array>, onFailure: () => void): Readable {
  const iterator = source[Symbol.asyncIterator]()
  return new Readable({
    read() {
      iterator.next().then(
        (result) => {
          if (!this.destroyed) this.push(result.done ? null : result.value)
        },
        () => onFailure(),
      )
    },
    destroy(error, callback) {
      iterator.return?.()?.catch(() => undefined)
      callback(error)
    },
  })
}

/** An AbortController that follows `signal` until `release()`. */
function linkedController(signal: AbortSignal | undefined): { controller: AbortController; release: () => void } {
  const controller = new AbortController()
  if (!signal) return { controller, release: () => undefined }
  const onAbort = (): void => controller.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  return { controller, release: () => signal.removeEventListener('abort', onAbort) }
}

/**
 * {@link BlobStore.put}. Bytes or a stream of known length up to `singlePutMaxBytes` go up in one
 * (streaming) PutObject; anything larger or of unknown length through lib-storage's `Upload`
 * (multipart, `partSize` × `queueSize` in memory; a body that fits one part becomes one PutObject).
 * Conditions travel as `If-None-Match` / `If-Match` on the PutObject or CompleteMultipartUpload;
 * a failed multipart upload is aborted, so nothing partial is ever visible.
 * The caller has checked that the server honours the conditions given.
 */
export async function put(context: S3Context, key: string, body: BlobBody, options: BlobPutOptions = {}): Promise<BlobHead> {
  const { signal, ifMatch, ifNoneMatch } = options
  throwIfAborted(signal, 'put', key)
  const bucketKey = objectKey(context, key, 'put')
  const wanted = ifMatch === undefined ? undefined : parseVersion(ifMatch)
  if (wanted?.revision !== undefined && context.tuning.revisionCheck) {
    // The ETag does not cover metadata: check the revision ourselves (the server still checks the ETag).
    const current = await headObject(context, bucketKey, key, 'put', signal)
    if (!current || !versionMatches(current, ifMatch!)) throw new VolumeError('EPRECONDITION', { op: 'put', path: key, detail: 'version does not match' })
  }
  const revision = newRevision()
  const params = {
    Bucket: context.bucket,
    Key: bucketKey,
    Metadata: withRevision(options.metadata, revision),
    ContentType: options.contentType,
    IfNoneMatch: ifNoneMatch,
    IfMatch: wanted?.etag,
  }
  const knownLength = body instanceof Uint8Array ? body.byteLength : options.contentLength
  const state: BodyState = { bytes: 0, error: undefined }
  const { controller, release } = linkedController(signal)
  let stream: Readable | undefined
  let etag: string | undefined
  try {
    if (body instanceof Uint8Array && body.byteLength <= context.tuning.singlePutMaxBytes) {
      state.bytes = body.byteLength
      const output = await context.client.send(new PutObjectCommand({ ...params, Body: body, ContentLength: body.byteLength }), sendOptions(signal))
      etag = output.ETag
    } else if (body instanceof Uint8Array) {
      state.bytes = body.byteLength
      etag = await multipart(context, { ...params, Body: body }, controller)
    } else if (knownLength !== undefined && knownLength <= context.tuning.singlePutMaxBytes) {
      // A failing body must stop the request: node's pipe() into the request would otherwise wait forever.
      stream = putBodyStream(counted(body, state, key, knownLength), () => controller.abort())
      const output = await context.client.send(new PutObjectCommand({ ...params, Body: stream, ContentLength: knownLength }), { abortSignal: controller.signal })
      etag = output.ETag
    } else {
      // lib-storage reads this stream itself: a body error fails the upload, which then aborts its parts.
      stream = Readable.from(counted(body, state, key, knownLength), { objectMode: false })
      etag = await multipart(context, { ...params, Body: stream }, controller)
    }
  } catch (error) {
    if (state.error !== undefined) throw state.error
    const mapped = mapS3Error(error, 'put', key, signal)
    if (ifMatch !== undefined && mapped.code === 'ENOENT' && mapped.reason !== 'NoSuchBucket') {
      throw new VolumeError('EPRECONDITION', { op: 'put', path: key, detail: 'no object to match', cause: error })
    }
    throw mapped
  } finally {
    release()
    stream?.destroy()
  }
  return {
    key,
    size: state.bytes,
    version: formatVersion(etag ?? '', revision),
    lastModified: new Date(),
    contentType: options.contentType,
    metadata: { ...options.metadata },
  }
}

type UploadParams = ConstructorParameters<typeof Upload>[0]['params']

/** A lib-storage multipart upload (or single PUT when the body fits one part); returns the ETag. */
async function multipart(context: S3Context, params: UploadParams, controller: AbortController): Promise<string | undefined> {
  const upload = new Upload({
    client: context.client,
    params,
    partSize: context.tuning.partSize,
    queueSize: context.tuning.queueSize,
    leavePartsOnError: false,
    abortController: controller,
  })
  const result = await upload.done()
  return result.ETag
}
