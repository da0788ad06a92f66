import { constants, type BigIntStats } from 'node:fs'
import { lstat, open, type FileHandle } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { throwIfAborted, VolumeError, type BlobCallOptions, type BlobGetOptions, type BlobHead, type BlobReadResult } from '@volumes/core'
import type { StoreContext } from './context.js'
import { errnoOf, notFound, toVolumeError } from './errors.js'
import { buildHead, resolveObject, statObject } from './head.js'
import type { KeyLocation } from './layout.js'
import { findEntry, readRecord, sameFile } from './record.js'

/** `head`: the object's head, `undefined` when the key holds no object. */
export async function headObject(ctx: StoreContext, key: string, options: BlobCallOptions = {}): Promise<BlobHead | undefined> {
  const op = 'head'
  throwIfAborted(options.signal, op, key)
  const loc = ctx.layout.locate(key, op)
  try {
    return (await resolveObject(loc))?.head
  } catch (error) {
    throw toVolumeError(error, op, key)
  }
}

/**
 * `get`: opens the data file first, so the stream reads the version the head describes even if a
 * write replaces the file meanwhile. The stream stops with ECANCELED when the signal fires.
 */
export async function getObject(ctx: StoreContext, key: string, options: BlobGetOptions = {}): Promise<BlobReadResult> {
  const op = 'get'
  const { signal, range } = options
  throwIfAborted(signal, op, key)
  const loc = ctx.layout.locate(key, op)
  for (let attempt = 0; ; attempt++) {
    const handle = await openData(loc, op)
    try {
      const stats = await handle.stat({ bigint: true })
      if (!stats.isFile() || (loc.marker && !(await isDirectory(loc.dirPath!)))) throw notFound(op, key)
      const entry = findEntry(await readRecord(loc), stats)
      if (entry === undefined && attempt < 2 && !(await unchanged(loc, stats))) {
        await handle.close()
        continue
      }
      const head = buildHead(key, stats, entry)
      const { start, end } = byteRange(range, head.size, op, key)
      throwIfAborted(signal, op, key)
      if (start === end) {
        await handle.close()
        return { head, body: Readable.from([]) }
      }
      return { head, body: stream(handle, start, end, signal, op, key) }
    } catch (error) {
      await handle.close().catch(() => undefined)
      throw toVolumeError(error, op, key)
    }
  }
}

async function openData(loc: KeyLocation, op: string): Promise<FileHandle> {
  try {
    return await open(loc.dataPath, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') throw notFound(op, loc.key)
    throw toVolumeError(error, op, loc.key)
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return lstat(path).then((s) => s.isDirectory(), () => false)
}

/** Whether the key still holds the data file we opened (else a write raced us: open again). */
async function unchanged(loc: KeyLocation, stats: BigIntStats): Promise<boolean> {
  const now = await statObject(loc)
  return now !== undefined && sameFile(now, stats)
}

/** Validates a range against the size; `end` is exclusive and clamped to the size. */
function byteRange(range: BlobGetOptions['range'], size: number, op: string, key: string): { start: number; end: number } {
  const start = range?.start ?? 0
  const end = range?.end ?? size
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || start > size || (start === size && start > 0)) {
    throw new VolumeError('EINVAL', { op, path: key, reason: 'RangeNotSatisfiable', detail: `range ${start}-${end} not satisfiable for ${size} bytes` })
  }
  return { start, end: Math.min(end, size) }
}

function stream(handle: FileHandle, start: number, end: number, signal: AbortSignal | undefined, op: string, key: string): Readable {
  const body = handle.createReadStream({ start, end: end - 1 })
  if (signal !== undefined) {
    const onAbort = (): void => {
      body.destroy(new VolumeError('ECANCELED', { op, path: key, cause: signal.reason }))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    body.once('close', () => signal.removeEventListener('abort', onAbort))
  }
  return body
}
