import { randomUUID } from 'node:crypto'
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectsCommand, HeadObjectCommand,
  ListObjectsV2Command, PutObjectCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3'
import { VolumeError, type BlobCapabilities, type BlobWriteConditions } from '@volumes/core'
import { copySource, sendOptions, type S3Context } from './context.js'
import { mapS3Error } from './errors.js'
import { requestListMetadata } from './list-metadata.js'

/** What the probe found out about the server. */
export interface ProbeResult {
  /** `If-None-Match: *` is honoured on PutObject and on CompleteMultipartUpload. */
  readonly conditionalCreate: boolean
  /** `If-Match` is honoured on PutObject: a wrong ETag fails, and so does any ETag on a missing key (without creating it). */
  readonly compareAndSwap: boolean
  /** ListObjectsV2 with `metadata=true` returns user metadata (MinIO). */
  readonly listMetadata: boolean
  /** The server's `Server` header (`MinIO` for MinIO), when a probe request was made. */
  readonly server: string | undefined
}

/** Keeps the `Server` response header of `command` for the returned getter. */
function captureServer(command: HeadObjectCommand): () => string | undefined {
  let server: string | undefined
  command.middlewareStack.add((next) => async (args) => {
    const result = await next(args)
    server = (result.response as { headers?: Record<string, string> }).headers?.server
    return result
  }, { step: 'deserialize', name: 'volumesCaptureServer', priority: 'low' })
  return () => server
}

/** Where the probe writes, under the store's prefix; removed before the probe returns. */
export const PROBE_DIRECTORY = '.volumes-probe/'

type Outcome = 'ok' | 'precondition' | 'missing'

/** Runs a request and classifies its result; other errors propagate. */
async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run()
    return 'ok'
  } catch (error) {
    const mapped = mapS3Error(error, 'probe')
    if (mapped.code === 'EPRECONDITION') return 'precondition'
    if (mapped.code === 'ENOENT' && mapped.reason !== 'NoSuchBucket') return 'missing'
    if (mapped.code === 'ENOTSUP' || mapped.code === 'EINVAL') return 'ok'
    throw mapped
  }
}

/**
 * Asks the server, with a handful of requests on throw-away keys under the prefix, whether it
 * honours conditional writes (some MinIO releases accepted `If-Match` on a missing key and
 * created it; MinIO ignores `If-None-Match` on CopyObject, so the adapter's create-only copies
 * go through CompleteMultipartUpload, which is probed too) and, when `checkListMetadata`,
 * whether ListObjectsV2 returns user metadata. Where credentials forbid writing, every
 * conditional capability is reported false.
 */
export async function probeServer(context: S3Context, checkConditional: boolean, checkListMetadata: boolean, signal?: AbortSignal): Promise<ProbeResult> {
  const base = `${context.prefix}${PROBE_DIRECTORY}${randomUUID()}/`
  const created = `${base}created`
  const absent = `${base}absent`
  const fresh = `${base}fresh`
  const { client, bucket } = context
  const options = sendOptions(signal)
  const putProbe = (conditions: BlobWriteConditions & { key?: string } = {}): Promise<unknown> => client.send(new PutObjectCommand({
    Bucket: bucket, Key: conditions.key ?? created, Body: 'probe', Metadata: { 'volumes-probe': 'yes' },
    IfNoneMatch: conditions.ifNoneMatch, IfMatch: conditions.ifMatch,
  }), options)
  let uploadId: string | undefined
  try {
    await putProbe()
    const headCommand = new HeadObjectCommand({ Bucket: bucket, Key: created })
    const server = captureServer(headCommand)
    await client.send(headCommand, options)
    let conditionalCreate = false
    let compareAndSwap = false
    if (checkConditional) {
      const onExisting = await outcome(() => putProbe({ ifNoneMatch: '*' }))
      const onNew = await outcome(() => putProbe({ key: fresh, ifNoneMatch: '*' }))
      conditionalCreate = onExisting === 'precondition' && onNew === 'ok'
      if (conditionalCreate) {
        const upload = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: created }), options)
        uploadId = upload.UploadId
        const part = await client.send(new UploadPartCopyCommand({
          Bucket: bucket, Key: created, UploadId: uploadId, PartNumber: 1, CopySource: copySource(context, created),
        }), options)
        const complete = await outcome(() => client.send(new CompleteMultipartUploadCommand({
          Bucket: bucket, Key: created, UploadId: uploadId, IfNoneMatch: '*', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult?.ETag }] },
        }), options))
        if (complete === 'ok') uploadId = undefined
        conditionalCreate = complete === 'precondition'
      }
      const wrongEtag = '"00000000000000000000000000000000"'
      const onWrong = await outcome(() => putProbe({ ifMatch: wrongEtag }))
      const onAbsent = await outcome(() => putProbe({ key: absent, ifMatch: wrongEtag }))
      const absentStillAbsent = (await outcome(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: absent }), options))) === 'missing'
      const current = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: created }), options)
      const onRight = await outcome(() => putProbe({ ifMatch: current.ETag ?? '' }))
      compareAndSwap = onWrong === 'precondition' && onAbsent !== 'ok' && absentStillAbsent && onRight === 'ok'
    }
    let listMetadata = false
    if (checkListMetadata) {
      const command = new ListObjectsV2Command({ Bucket: bucket, Prefix: base })
      const listed = requestListMetadata(command)
      await outcome(() => client.send(command, options))
      listMetadata = (listed() ?? []).some((entry) => entry.metadata['volumes-probe'] === 'yes')
    }
    return { conditionalCreate, compareAndSwap, listMetadata, server: server() }
  } catch (error) {
    const mapped = mapS3Error(error, 'probe', base, signal)
    if (mapped.code === 'EACCES') return { conditionalCreate: false, compareAndSwap: false, listMetadata: false, server: undefined }
    throw mapped
  } finally {
    if (uploadId) await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: created, UploadId: uploadId })).catch(() => undefined)
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: created }, { Key: absent }, { Key: fresh }], Quiet: true } })).catch(() => undefined)
  }
}

/**
 * Refuses, with ENOTSUP, conditions the server was found not to honour; rejects malformed ones with EINVAL.
 */
export function requireConditions(capabilities: BlobCapabilities, conditions: BlobWriteConditions, op: string, key: string): void {
  const { ifNoneMatch, ifMatch } = conditions
  if (ifNoneMatch !== undefined && ifMatch !== undefined) throw new VolumeError('EINVAL', { op, path: key, detail: 'ifNoneMatch and ifMatch together' })
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') throw new VolumeError('EINVAL', { op, path: key, detail: "ifNoneMatch must be '*'" })
  if (ifNoneMatch !== undefined && !capabilities.conditionalCreate) {
    throw new VolumeError('ENOTSUP', { op, path: key, reason: 'ConditionalCreateUnsupported', detail: 'the server does not honour If-None-Match' })
  }
  if (ifMatch !== undefined && !capabilities.compareAndSwap) {
    throw new VolumeError('ENOTSUP', { op, path: key, reason: 'CompareAndSwapUnsupported', detail: 'the server does not honour If-Match' })
  }
}
