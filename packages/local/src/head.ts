import { lstat } from 'node:fs/promises'
import type { BigIntStats } from 'node:fs'
import type { BlobHead } from '@volumes/core'
import { errnoOf } from './errors.js'
import type { KeyLocation } from './layout.js'
import { derivedVersion, findEntry, readRecord, sameFile, type RecordEntry } from './record.js'

/** An existing object: its data file's stats, its record entry (if it matches), and its head. */
export interface ResolvedObject {
  readonly stats: BigIntStats
  readonly entry: RecordEntry | undefined
  readonly head: BlobHead
}

/**
 * Stats of the data file of the object at `loc`, or `undefined` when the key holds no object: a
 * missing file, a directory at a file key, a symlink or other special file, a marker whose
 * directory is gone. Pass `dirKnown` when the marker's directory was just seen in a listing.
 */
export async function statObject(loc: KeyLocation, dirKnown = false): Promise<BigIntStats | undefined> {
  try {
    if (loc.marker && !dirKnown && !(await lstat(loc.dirPath!)).isDirectory()) return undefined
    const stats = await lstat(loc.dataPath, { bigint: true })
    return stats.isFile() ? stats : undefined
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw error
  }
}

/** The head of an object whose data file has these stats and this record entry (defaults without one). */
export function buildHead(key: string, stats: BigIntStats, entry: RecordEntry | undefined): BlobHead {
  return {
    key,
    size: Number(stats.size),
    version: entry?.version ?? derivedVersion(stats),
    lastModified: new Date(Number(stats.mtimeMs)),
    contentType: entry?.contentType,
    metadata: { ...entry?.metadata },
  }
}

/**
 * Resolves the object at `loc` to its head, reading the data file's stats first and its record
 * second (the order writers rename in reverse), so a reader racing one write sees a consistent
 * pair. When no entry matches, the stats are taken again: a changed file means a write or delete
 * raced us (try again); an unchanged one genuinely has no metadata (defaults).
 */
export async function resolveObject(loc: KeyLocation, dirKnown = false): Promise<ResolvedObject | undefined> {
  let stats = await statObject(loc, dirKnown)
  for (let attempt = 0; stats !== undefined; attempt++) {
    const entry = findEntry(await readRecord(loc), stats)
    if (entry !== undefined || attempt === 2) return { stats, entry, head: buildHead(loc.key, stats, entry) }
    const again = await statObject(loc, dirKnown)
    if (again !== undefined && sameFile(again, stats)) return { stats, entry, head: buildHead(loc.key, stats, entry) }
    stats = again
  }
  return undefined
}
