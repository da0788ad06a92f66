import { randomUUID } from 'node:crypto'
import { mkdir, open, rename, type FileHandle } from 'node:fs/promises'
import type { BigIntStats } from 'node:fs'
import type { BlobMetadata } from '@volumes/core'
import { errnoOf } from './errors.js'
import { removeQuietly, writeAll } from './fs-util.js'
import type { Layout, KeyLocation } from './layout.js'

/**
 * What we know about one version of an object's data file. `ino`, `size` and `mtimeNs` identify
 * the data file the entry belongs to: a record whose entries match none of them describes some
 * other data (a crash between the two renames of a write, a file replaced by another tool) and is
 * ignored, so a mismatch degrades to default metadata, never to another object's metadata.
 */
export interface RecordEntry {
  readonly ino: string
  readonly size: string
  readonly mtimeNs: string
  /** The object version: a fresh token on every write of data or metadata. */
  readonly version: string
  readonly contentType?: string
  readonly metadata: BlobMetadata
}

/**
 * The metadata record of a key, stored as JSON beside the data. A write lists the new entry
 * first and the entry of the data it replaces second, and renames the record into place before
 * the data: until the data rename lands (or if it never does), readers still match the old entry.
 */
export interface MetadataRecord {
  readonly v: 1
  readonly key: string
  readonly entries: readonly RecordEntry[]
}

/** The identity of a data file, as stored in a {@link RecordEntry}. */
export interface FileIdentity {
  readonly ino: string
  readonly size: string
  readonly mtimeNs: string
}

/** The identity of the data file described by `stats`. */
export function identityOf(stats: BigIntStats): FileIdentity {
  return { ino: stats.ino.toString(), size: stats.size.toString(), mtimeNs: stats.mtimeNs.toString() }
}

/** Whether two stats describe the same, unchanged data file. */
export function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs
}

/** The version of a data file that has no record entry (written by another tool, or after a crash). */
export function derivedVersion(stats: BigIntStats): string {
  return `f${stats.ino.toString(36)}.${stats.mtimeNs.toString(36)}.${stats.size.toString(36)}`
}

/** The record entry matching the data file described by `stats`, if any. */
export function findEntry(record: MetadataRecord | undefined, stats: BigIntStats): RecordEntry | undefined {
  if (record === undefined) return undefined
  const id = identityOf(stats)
  return record.entries.find((e) => e.ino === id.ino && e.size === id.size && e.mtimeNs === id.mtimeNs)
}

/** A new entry, with a fresh version, for the data file described by `stats`. */
export function newEntry(stats: BigIntStats, contentType: string | undefined, metadata: BlobMetadata): RecordEntry {
  const entry = { ...identityOf(stats), version: randomUUID(), metadata: { ...metadata } }
  return contentType === undefined ? entry : { ...entry, contentType }
}

/** Reads a key's record; `undefined` when it is missing, unreadable or belongs to another key. */
export async function readRecord(loc: KeyLocation): Promise<MetadataRecord | undefined> {
  let handle: FileHandle
  try {
    handle = await open(loc.recordPath, 'r')
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw error
  }
  try {
    return await readRecordText(handle, loc.key)
  } finally {
    await handle.close()
  }
}

/** Writes a key's record atomically: temporary file, flush, rename over the old record. */
export async function writeRecord(layout: Layout, loc: KeyLocation, record: MetadataRecord, fsync: boolean): Promise<void> {
  const temp = layout.tempPath()
  try {
    const handle = await open(temp, 'wx')
    try {
      await writeAll(handle, Buffer.from(JSON.stringify(record)))
      if (fsync) await handle.datasync()
    } finally {
      await handle.close()
    }
    try {
      await rename(temp, loc.recordPath)
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw error
      await mkdir(loc.recordParent, { recursive: true })
      await rename(temp, loc.recordPath)
    }
  } catch (error) {
    await removeQuietly(temp)
    throw error
  }
}

/**
 * Reads until the text parses as a record or the file ends. A short read of a regular file means
 * its end, so the usual cost is one read, not a second one that returns nothing.
 */
async function readRecordText(handle: FileHandle, key: string): Promise<MetadataRecord | undefined> {
  let buffer = Buffer.allocUnsafe(4096)
  let length = 0
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null)
    if (bytesRead === 0) return parseRecord(buffer.toString('utf8', 0, length), key)
    length += bytesRead
    if (length < buffer.length) {
      const record = parseRecord(buffer.toString('utf8', 0, length), key)
      if (record !== undefined) return record
    } else {
      const bigger = Buffer.allocUnsafe(buffer.length * 2)
      buffer.copy(bigger)
      buffer = bigger
    }
  }
}

function parseRecord(text: string, key: string): MetadataRecord | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const record = value as Partial<MetadataRecord> | null
  if (record?.v !== 1 || record.key !== key || !Array.isArray(record.entries)) return undefined
  const entries = record.entries.filter(isEntry)
  return { v: 1, key, entries }
}

function isEntry(value: unknown): value is RecordEntry {
  const e = value as Partial<RecordEntry> | null
  return typeof e === 'object' && e !== null && typeof e.ino === 'string' && typeof e.size === 'string' &&
    typeof e.mtimeNs === 'string' && typeof e.version === 'string' && typeof e.metadata === 'object' && e.metadata !== null &&
    (e.contentType === undefined || typeof e.contentType === 'string')
}
