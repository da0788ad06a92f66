import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { afterAll, expect, it } from 'vitest'
import { collectBytes, isVolumeError, withRetry, type VolumeError } from '@volumes/core'
import { describeWithService, provideService, startMinio, waitUntil, type MinioService } from '@volumes/testkit'
import { destroyStores, freshPrefix, freshS3Store, rawClient, TEST_BUCKET } from './fixture.js'

const MiB = 1024 * 1024
const minio = (await provideService('MinIO (restartable)', () => startMinio({ restartable: true }))) as MinioService | undefined
const children: ChildProcess[] = []
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  destroyStores()
  await minio?.stop()
})

const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (e: unknown) => e)

/** A body that trickles out and tells when `mark` bytes have been produced. */
function tricklingBody(total: number, mark: number): { body: AsyncIterable<Uint8Array>; reached: Promise<void> } {
  let reachedMark: () => void = () => undefined
  const reached = new Promise<void>((resolve) => (reachedMark = resolve))
  async function* body(): AsyncIterable<Uint8Array> {
    const chunk = new Uint8Array(256 * 1024).fill(3)
    for (let sent = 0; sent < total; sent += chunk.byteLength) {
      if (sent >= mark) reachedMark()
      await new Promise((resolve) => setTimeout(resolve, 5))
      yield chunk
    }
  }
  return { body: body(), reached }
}

async function uploadsFor(service: MinioService, bucketKey: string): Promise<string[]> {
  const raw = rawClient(service)
  try {
    const listed = await raw.send(new ListMultipartUploadsCommand({ Bucket: TEST_BUCKET, Prefix: bucketKey }))
    return (listed.Uploads ?? []).filter((u) => u.Key === bucketKey).map((u) => u.UploadId ?? '')
  } finally {
    raw.destroy()
  }
}

describeWithService('faults: MinIO going away, writers dying', minio, (provided) => {
  const service = provided as MinioService
  it('MinIO stopped mid-upload: a temporary error and no partial object; started again, the retry layer completes the write', async () => {
    const store = await freshS3Store(service, 'fault', { partSize: 5 * MiB, queueSize: 2 })
    const { body, reached } = tricklingBody(40 * MiB, 11 * MiB)
    const upload = errorOf(store.put('f/big', body))
    await reached
    await service.halt()
    const error = await upload
    expect(isVolumeError(error), String(error)).toBe(true)
    expect((error as VolumeError).temporary, String(error)).toBe(true)

    await service.resume()
    expect(await store.head('f/big')).toBeUndefined()
    expect((await store.list('f/')).objects).toEqual([])

    await service.halt()
    const data = Uint8Array.from({ length: 12 * MiB }, (_, i) => i % 253)
    const retries: string[] = []
    const retrying = withRetry(store, { attempts: 12, baseDelayMs: 250, maxDelayMs: 1000, onRetry: ({ error: e }) => retries.push((e as VolumeError).code) })
    const write = retrying.put('f/big', data)
    setTimeout(() => void service.resume(), 1500)
    const head = await write
    expect(retries.length).toBeGreaterThan(0)
    expect(head.size).toBe(data.byteLength)
    expect(Buffer.from(await collectBytes((await store.get('f/big')).body)).equals(Buffer.from(data))).toBe(true)
  }, 120_000)

  it('a writer killed with SIGKILL mid-multipart leaves no visible object; abortStaleUploads removes its upload', async () => {
    const prefix = freshPrefix('killed')
    const store = await freshS3Store(service, 'killed-reader', { prefix })
    const key = 'k/partial.bin'
    const child = spawn(process.execPath, [
      fileURLToPath(new URL('../../../node_modules/vite-node/vite-node.mjs', import.meta.url)),
      '--config', fileURLToPath(new URL('../../../vitest.config.ts', import.meta.url)),
      fileURLToPath(new URL('./fixtures/writer-child.ts', import.meta.url)),
    ], {
      env: {
        ...process.env, WRITER_ENDPOINT: service.endpoint, WRITER_ACCESS_KEY: service.accessKeyId, WRITER_SECRET_KEY: service.secretAccessKey,
        WRITER_BUCKET: TEST_BUCKET, WRITER_PREFIX: prefix, WRITER_KEY: key,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    let produced = 0
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000)
      const last = /PROGRESS (\d+)\n[^\n]*$/.exec(output)
      if (last) produced = Number(last[1])
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000)
    })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    await waitUntil('the writer to have parts uploaded', async () => produced >= 16 * MiB && (await uploadsFor(service, prefix + key)).length > 0, 90_000, () =>
      child.exitCode !== null ? `writer exited: ${output}` : undefined)
    child.kill('SIGKILL')
    await exited

    expect(await store.head(key)).toBeUndefined()
    expect((await store.list('')).objects).toEqual([])
    const orphans = await uploadsFor(service, prefix + key)
    expect(orphans).toHaveLength(1)

    expect((await store.abortStaleUploads(3_600_000)).aborted).toEqual([])
    const cleaned = await store.abortStaleUploads(0)
    expect(cleaned.aborted.map((u) => [u.key, u.uploadId])).toEqual([[key, orphans[0]]])
    expect(cleaned.failed).toEqual([])
    expect(await uploadsFor(service, prefix + key)).toEqual([])
  }, 180_000)
})
