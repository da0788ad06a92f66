import type { ByteRange } from '@volumes/core'
import { HttpError } from './errors.js'

/** An inclusive byte range of a file. */
export interface InclusiveRange {
  readonly start: number
  readonly end: number
}

/** A `Range: bytes=` request before the file's size is known: `a-b`/`a-` (`end` inclusive), or the last `n` bytes. */
export type RangeSpec = { readonly start: number; readonly end?: number | undefined } | { readonly suffix: number }

/**
 * Parses a `Range` header: `bytes=a-b`, `bytes=a-`, `bytes=-n`. Returns undefined to serve the
 * whole file (no header, another unit, several ranges, bad syntax, `b < a`: RFC 9110 lets a
 * server ignore those).
 */
export function parseRangeSpec(header: string | null | undefined): RangeSpec | undefined {
  if (header === null || header === undefined) return undefined
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  if (match[1] === '') return { suffix: Number(match[2]) }
  const start = Number(match[1])
  if (match[2] === '') return { start }
  const end = Number(match[2])
  return end < start ? undefined : { start, end }
}

/** Whether the spec can be asked of the store without knowing the size first (`a-b`, `a-`). */
export function needsSize(spec: RangeSpec): boolean {
  return 'suffix' in spec
}

/**
 * The store range (end exclusive) to open for a spec: the store clamps `end` to the size of the
 * version it opens. A suffix needs `size` (of the version expected).
 */
export function storeRange(spec: RangeSpec, size: number | undefined): ByteRange {
  if ('suffix' in spec) {
    const known = size ?? 0
    return { start: Math.max(0, known - spec.suffix), end: known }
  }
  return spec.end === undefined ? { start: spec.start } : { start: spec.start, end: spec.end + 1 }
}

/** 416 for a range that does not fit a file of `size` bytes (with `Content-Range: bytes *\/size`). */
export function unsatisfiable(header: string, size: number, op: string, path: string): HttpError {
  return new HttpError('ERANGE', `range not satisfiable: '${header}' of a ${size}-byte file`, { op, path, reason: 'RangeNotSatisfiable', headers: { 'content-range': `bytes */${size}` } })
}

/** The inclusive range a spec selects of a file of `size` bytes; 416 when it starts past the end. */
export function resolveRange(spec: RangeSpec, size: number, header: string, op: string, path: string): InclusiveRange {
  if ('suffix' in spec) {
    if (spec.suffix === 0 || size === 0) throw unsatisfiable(header, size, op, path)
    return { start: Math.max(0, size - spec.suffix), end: size - 1 }
  }
  if (spec.start >= size) throw unsatisfiable(header, size, op, path)
  return { start: spec.start, end: spec.end === undefined ? size - 1 : Math.min(spec.end, size - 1) }
}

/** Whether `opened` (a store range) delivers exactly `wanted` (an inclusive range). */
export function coversExactly(opened: ByteRange, wanted: InclusiveRange, size: number): boolean {
  return opened.start === wanted.start && Math.min(opened.end ?? size, size) === wanted.end + 1
}
