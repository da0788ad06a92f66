import type { EntryInfo } from '@volumes/core'
import { LRUCache } from 'lru-cache'

/** A cached lookup: the entry, or `null` for "does not exist". */
interface Cached {
  readonly info: EntryInfo | null
}

/**
 * The mount's attribute and directory caches: entries and listings expire after a
 * short TTL (the mount's `attrTimeout`, default 1 s) by the monotonic clock, and are
 * dropped at once by this mount's own changes. Both caches are bounded in entries.
 * A TTL of 0 disables caching (every lookup goes to the store).
 */
export class AttrCache {
  readonly #entries: LRUCache<string, Cached> | undefined
  readonly #listings: LRUCache<string, readonly EntryInfo[]> | undefined

  constructor(ttlMs: number, maxEntries = 50_000) {
    if (ttlMs <= 0) return
    this.#entries = new LRUCache({ max: maxEntries, ttl: ttlMs })
    this.#listings = new LRUCache({ max: Math.max(16, Math.floor(maxEntries / 100)), ttl: ttlMs })
  }

  /** The cached entry, `null` when cached as missing, `undefined` when not cached. */
  get(path: string): EntryInfo | null | undefined {
    return this.#entries?.get(path)?.info
  }

  set(path: string, info: EntryInfo | null): void {
    this.#entries?.set(path, { info })
  }

  listing(directory: string): readonly EntryInfo[] | undefined {
    return this.#listings?.get(directory)
  }

  /** Caches a listing and every entry in it (so `ls -l` after `readdir` costs no more requests). */
  setListing(directory: string, entries: readonly EntryInfo[]): void {
    if (!this.#listings || !this.#entries) return
    this.#listings.set(directory, entries)
    for (const entry of entries) this.#entries.set(entry.path, { info: entry })
  }

  /** Forgets `path` and the listing of its parent (and its own listing). */
  invalidate(path: string): void {
    this.#entries?.delete(path)
    this.#listings?.delete(path)
    this.#listings?.delete(parentOf(path))
  }

  /** Forgets `path`, everything below it, and its parent's listing. */
  invalidateTree(path: string): void {
    this.invalidate(path)
    const prefix = path === '/' ? '/' : `${path}/`
    for (const cache of [this.#entries, this.#listings]) {
      if (!cache) continue
      for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key)
    }
  }
}

/** The parent of a normalised absolute path (`/` for `/`). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash <= 0 ? '/' : path.slice(0, slash)
}
