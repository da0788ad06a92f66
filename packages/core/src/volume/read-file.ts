import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { BlobReadResult, ByteRange } from '../blob/blob-store.js'
import { collectBytes } from '../blob/body.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { missingError, resolveEntry } from './entry-resolver.js'
import type { VolumeContext } from './volume-context.js'

/** How `readFile` returns the content. */
export type ReadFormat = 'text' | 'bytes' | 'blob' | 'stream'

/** Options of `readFile`. */
export interface ReadFileOptions<F extends ReadFormat = ReadFormat> {
  /** `text` (UTF-8, the default), `bytes`, `blob`, or `stream` (a web `ReadableStream`, never buffered). */
  readonly format?: F | undefined
  /** Bytes `start` (inclusive) to `end` (exclusive). */
  readonly range?: ByteRange | undefined
  readonly signal?: AbortSignal | undefined
}

/** What `readFile` resolves to for each format. */
export interface ReadResultByFormat {
  text: string
  bytes: Uint8Array
  blob: Blob
  stream: ReadableStream<Uint8Array>
}

/** Opens a file's content as a Node stream; EISDIR for a directory, ENOENT/ENOTDIR when missing. */
export async function openFile(context: VolumeContext, path: string, options: Omit<ReadFileOptions, 'format'>, op = 'readFile'): Promise<BlobReadResult> {
  if (path === '/') throw new VolumeError('EISDIR', { op, path })
  try {
    return await context.blobs.get(context.keys.fileKey(path, op), { range: options.range, signal: options.signal })
  } catch (error) {
    if (!isVolumeError(error, 'ENOENT')) throw error
    const entry = await resolveEntry(context, path, op)
    if (entry?.kind === 'directory') throw new VolumeError('EISDIR', { op, path })
    throw await missingError(context, path, op)
  }
}

/** Reads a file in the requested format. */
export async function readFile<F extends ReadFormat>(context: VolumeContext, path: string, options: ReadFileOptions<F> = {}): Promise<ReadResultByFormat[F]> {
  const { body } = await openFile(context, path, options)
  const format = options.format ?? 'text'
  if (format === 'stream') return Readable.toWeb(body) as WebReadableStream<Uint8Array> as unknown as ReadResultByFormat[F]
  const bytes = await collectBytes(body)
  if (format === 'bytes') return bytes as ReadResultByFormat[F]
  if (format === 'blob') return new Blob([bytes as Uint8Array<ArrayBuffer>]) as ReadResultByFormat[F]
  return new TextDecoder().decode(bytes) as ReadResultByFormat[F]
}

/** Re-exported for callers that want a Node stream of a file. */
export type { Readable }
