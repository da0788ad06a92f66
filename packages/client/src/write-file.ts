import { VolumeError, type EntryInfo, type WriteData, type WriteFileOptions } from '@volumes/core'
import { entryFromJson } from './entry.js'
import type { HttpClient, Query } from './http.js'
import { requestBodyOf } from './request-body.js'
import { pathRoute } from './routes.js'

/**
 * Writes a whole file with one `PUT`, the data streamed as the request body. Options
 * travel in the query (`mode` in octal, `uid`, `gid`, `exclusive`, `mtime` as ISO);
 * the server applies the library's rules, so its errors are the library's.
 */
export async function writeFileOver(http: HttpClient, volumeId: string, path: string, data: WriteData, options: WriteFileOptions): Promise<EntryInfo> {
  const op = 'writeFile'
  const query: Query = {
    mode: octalMode(options.mode, op, path),
    uid: options.uid,
    gid: options.gid,
    exclusive: options.exclusive === true,
    mtime: isoTime(options.mtime, op, path),
  }
  const json = await http.json<unknown>({
    method: 'PUT',
    route: pathRoute(volumeId, 'files', path, op),
    query,
    body: requestBodyOf(data),
    headers: { 'content-type': options.contentType ?? 'application/octet-stream' },
    signal: options.signal,
    op,
    path,
  })
  return entryFromJson(json, op)
}

/** A mode as the octal digits the query carries. A value octal cannot carry exactly is EINVAL here, as the library says it. */
function octalMode(mode: number | undefined, op: string, path: string): string | undefined {
  if (mode === undefined) return undefined
  if (!Number.isSafeInteger(mode)) {
    throw new VolumeError('EINVAL', { op, path, reason: 'InvalidMode', detail: `mode must be an integer from 0 to 0o7777, got ${String(mode)}` })
  }
  return mode.toString(8)
}

function isoTime(time: Date | undefined, op: string, path: string): string | undefined {
  if (time === undefined) return undefined
  if (!(time instanceof Date) || Number.isNaN(time.getTime())) throw new VolumeError('EINVAL', { op, path, reason: 'InvalidTime', detail: 'mtime must be a valid Date' })
  return time.toISOString()
}
