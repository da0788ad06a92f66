import { constants, type BigIntStats } from 'node:fs'
import { copyFile, lstat, mkdir, open, type FileHandle } from 'node:fs/promises'
import { isVolumeError, VolumeError, throwIfAborted, type BlobBody } from '@volumes/core'
import type { StoreContext } from './context.js'
import { errnoOf, toVolumeError } from './errors.js'
import { removeQuietly, writeAll } from './fs-util.js'
import type { Layout } from './layout.js'

/** A complete data file in the temporary directory, ready to be renamed into place. */
export interface TempFile {
  readonly path: string
  readonly stats: BigIntStats
}

/** Small chunks are gathered up to this size before a write, to keep the system calls few. */
const BATCH_BYTES = 256 * 1024

/**
 * Writes a body to a new temporary file and flushes it (when `fsync` is on). On any failure — a
 * body stream that errors, an abort, a full disk, a body whose length is not the `contentLength`
 * announced — the temporary file is removed and nothing else has been touched.
 */
export async function writeTemp(ctx: StoreContext, body: BlobBody, op: string, key: string, signal: AbortSignal | undefined, contentLength?: number): Promise<TempFile> {
  const path = ctx.layout.tempPath()
  const handle = await openTemp(ctx.layout, path, op, key)
  try {
    if (body instanceof Uint8Array) await writeAll(handle, body)
    else await pump(handle, body, op, key, signal)
    throwIfAborted(signal, op, key)
    if (ctx.config.fsync) await handle.datasync()
    const stats = await handle.stat({ bigint: true })
    if (contentLength !== undefined && BigInt(contentLength) !== stats.size) {
      throw new VolumeError('EINVAL', { op, path: key, reason: 'ContentLengthMismatch', detail: `invalid argument: the body has ${stats.size} bytes, contentLength said ${contentLength}` })
    }
    await handle.close()
    return { path, stats }
  } catch (error) {
    await handle.close().catch(() => undefined)
    await removeQuietly(path)
    // A body source that honours the same signal may fail first: the cause is still the abort.
    throwIfAborted(signal, op, key)
    throw toVolumeError(error, op, key)
  }
}

/** Copies a data file to a new temporary file (a reflink where the file system can) and flushes it. */
export async function cloneToTemp(ctx: StoreContext, source: string, op: string, key: string): Promise<TempFile> {
  const path = ctx.layout.tempPath()
  try {
    try {
      await copyFile(source, path, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL)
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT' || !(await exists(source))) throw error
      await mkdir(ctx.layout.tmpDir, { recursive: true })
      await copyFile(source, path, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL)
    }
    if (!ctx.config.fsync) return { path, stats: await lstat(path, { bigint: true }) }
    const handle = await open(path, 'r+')
    try {
      await handle.datasync()
      return { path, stats: await handle.stat({ bigint: true }) }
    } finally {
      await handle.close()
    }
  } catch (error) {
    await removeQuietly(path)
    throw toVolumeError(error, op, key)
  }
}

async function openTemp(layout: Layout, path: string, op: string, key: string): Promise<FileHandle> {
  try {
    return await open(path, 'wx')
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw toVolumeError(error, op, key)
  }
  try {
    await mkdir(layout.tmpDir, { recursive: true })
    return await open(path, 'wx')
  } catch (error) {
    throw toVolumeError(error, op, key)
  }
}

async function pump(handle: FileHandle, body: AsyncIterable<Uint8Array>, op: string, key: string, signal: AbortSignal | undefined): Promise<void> {
  const iterator = body[Symbol.asyncIterator]()
  let batch: Uint8Array[] = []
  let batched = 0
  const flush = async (): Promise<void> => {
    if (batched === 0) return
    const bytes = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batched)
    batch = []
    batched = 0
    await writeAll(handle, bytes)
  }
  try {
    for (;;) {
      const next = await nextChunk(iterator, op, key, signal)
      if (next.done) break
      const chunk = toBytes(next.value, op, key)
      if (chunk.byteLength >= BATCH_BYTES) {
        await flush()
        await writeAll(handle, chunk)
      } else if (chunk.byteLength > 0) {
        batch.push(chunk)
        batched += chunk.byteLength
        if (batched >= BATCH_BYTES) await flush()
      }
    }
    await flush()
  } catch (error) {
    void Promise.resolve(iterator.return?.()).catch(() => undefined)
    throw error
  }
}

/** The next chunk of the body; a failing body becomes EIO (reason `BodyFailed`), an abort ECANCELED. */
async function nextChunk(iterator: AsyncIterator<Uint8Array>, op: string, key: string, signal: AbortSignal | undefined): Promise<IteratorResult<Uint8Array>> {
  throwIfAborted(signal, op, key)
  const pending = iterator.next().catch((error: unknown) => {
    if (isVolumeError(error)) throw error
    throw new VolumeError('EIO', {
      op, path: key, reason: 'BodyFailed', detail: `the body stream failed: ${error instanceof Error ? error.message : String(error)}`, cause: error,
    })
  })
  if (signal === undefined) return pending
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new VolumeError('ECANCELED', { op, path: key, cause: signal.reason }))
    signal.addEventListener('abort', onAbort, { once: true })
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

function toBytes(chunk: unknown, op: string, key: string): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk
  if (typeof chunk === 'string') return Buffer.from(chunk)
  throw new VolumeError('EINVAL', { op, path: key, reason: 'InvalidBody', detail: `invalid argument: the body produced a ${typeof chunk}, expected bytes` })
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false)
}
