import type { Readable } from 'node:stream'
import { collectBytes, isVolumeError, VolumeError, type ByteRange, type EntryInfo, type Volume } from '@volumes/core'
import { etagOf, ifMatchHolds, ifRangeHolds } from '../conditional.js'
import type { AppContext } from '../context.js'
import { HttpError } from '../errors.js'
import { coversExactly, needsSize, parseRangeSpec, resolveRange, storeRange, type InclusiveRange, type RangeSpec } from '../ranges.js'
import { fileResponse } from '../streaming.js'

/** Opens of a range tried while the file keeps changing size under it. */
const ATTEMPTS = 4

/** One version of a file, opened: its info, its ETag, and the bytes asked for (or none). */
interface Pinned {
  readonly info: EntryInfo
  readonly etag: string
  readonly body: Readable
  readonly range: InclusiveRange | undefined
}

/**
 * `GET`/`HEAD /volumes/{volume}/files/{path}`. Headers and body always come from one store
 * request, so they describe one version of the file even while writers replace it: `ETag`
 * names that version, `If-Match` (412 when another version is current) and `If-Range` (the
 * whole current file instead of the range when it changed) are checked against it.
 */
export async function serveFileRead(c: AppContext, volume: Volume, path: string, bufferBelowBytes: number): Promise<Response> {
  const op = 'readFile'
  const wantsBody = c.req.method === 'GET'
  const header = c.req.header('range')
  let spec = parseRangeSpec(header)
  let pinned = await pin(volume, path, spec, header ?? '', wantsBody)
  const ifMatch = c.req.header('if-match')
  if (ifMatch !== undefined && !ifMatchHolds(ifMatch, pinned.etag)) {
    pinned.body.destroy()
    throw new HttpError('EPRECONDITION', `the file changed: its current version is ${pinned.etag}, not ${ifMatch.slice(0, 200)}`, {
      op, path, reason: 'VersionMismatch', headers: { etag: pinned.etag },
    })
  }
  const ifRange = c.req.header('if-range')
  if (spec !== undefined && ifRange !== undefined && !ifRangeHolds(ifRange, pinned.etag, pinned.info.mtime)) {
    pinned.body.destroy()
    spec = undefined
    pinned = await pin(volume, path, undefined, '', wantsBody)
  }
  const { info, etag, body, range } = pinned
  const length = range ? range.end - range.start + 1 : info.size
  c.set('bytesOut', wantsBody ? length : 0)
  if (!wantsBody || length === 0) {
    body.destroy()
    return fileResponse(info, range, undefined, etag)
  }
  return fileResponse(info, range, length <= bufferBelowBytes ? await collectBytes(body) : body, etag)
}

/**
 * Opens one version and the bytes `spec` selects of it. `a-b` and `a-` are asked of the store
 * as they are (it clamps to the size of the version it opens); a suffix needs the size first,
 * and is opened again while the file changes size in between (as is a range that started past
 * the end of the version opened but fits the file now). Without a body (HEAD) only the
 * head is read.
 */
async function pin(volume: Volume, path: string, spec: RangeSpec | undefined, header: string, wantsBody: boolean): Promise<Pinned> {
  const op = 'readFile'
  if (!wantsBody) {
    const opened = await volume.open(path, { range: { start: 0, end: 0 } })
    const range = spec === undefined ? undefined : resolveRange(spec, opened.info.size, header, op, path)
    return { info: opened.info, etag: etagOf(opened.version), body: opened.body, range }
  }
  if (spec === undefined) {
    const opened = await volume.open(path)
    return { info: opened.info, etag: etagOf(opened.version), body: opened.body, range: undefined }
  }
  let size = needsSize(spec) ? (await volume.getInfo(path)).size : undefined
  for (let attempt = 1; ; attempt++) {
    const asked: ByteRange = storeRange(spec, size)
    const opened = await openRange(volume, path, asked)
    if (typeof opened === 'number') {
      // The range starts past the end of the version the store opened: 416 unless the file changed size.
      resolveRange(spec, opened, header, op, path)
      size = opened
    } else {
      let range: InclusiveRange
      try {
        range = resolveRange(spec, opened.info.size, header, op, path)
      } catch (error) {
        opened.body.destroy()
        throw error
      }
      if (coversExactly(asked, range, opened.info.size)) return { info: opened.info, etag: etagOf(opened.version), body: opened.body, range }
      opened.body.destroy()
      size = opened.info.size
    }
    if (attempt >= ATTEMPTS) {
      throw new VolumeError('EAGAIN', { op, path, reason: 'ConcurrentWrite', temporary: true, detail: `the file changed size on each of ${attempt} reads` })
    }
  }
}

/** Opens a store range, or returns the file's size now when the range starts past the end of the version opened. */
async function openRange(volume: Volume, path: string, asked: ByteRange): Promise<Awaited<ReturnType<Volume['open']>> | number> {
  try {
    return await volume.open(path, { range: asked })
  } catch (error) {
    if (!isVolumeError(error, 'EINVAL') || error.reason !== 'RangeNotSatisfiable') throw error
    return (await volume.getInfo(path)).size
  }
}
