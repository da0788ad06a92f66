import type { BlobHead, BlobMetadata, BlobStore } from '../blob/blob-store.js'
import { forwardTo } from '../layers/layer.js'
import { S_IFLNK, S_IFMT } from '../metadata/entry-info.js'
import { metadataKeys } from '../metadata/keys.js'
import type { KeySpace } from '../paths/key-space.js'
import type { ChangeInput, VolumeEvent } from './change-feed.js'

interface KeyState {
  /** Whether the key existed before this operation changed it (`undefined`: not known yet). */
  before: boolean | undefined
  /** What this operation last did to it. */
  after: 'written' | 'deleted' | 'attributes' | undefined
  metadata: BlobMetadata | undefined
}

/** What one Volume operation was asked to do, for naming its changes. */
export interface RecordedOperation {
  readonly op: string
  /** The source of a rename. */
  readonly from?: string | undefined
  /** The destination of a rename. */
  readonly to?: string | undefined
}

/**
 * Watches the store requests of one Volume operation (a layer over its context's store, no
 * request of its own) and turns the ones that succeeded into events: a key the operation saw
 * missing and then wrote is a `create`, one it saw and rewrote a `write`, one it deleted a
 * `remove`, new attributes a `chmod`; for a rename, each source deleted with its copy in place
 * is a `rename`. A failed request changes nothing and so yields nothing; a key written and
 * deleted again (a stale copy) nets out.
 */
export class ChangeRecorder {
  readonly blobs: BlobStore
  readonly #keys: KeySpace
  readonly #states = new Map<string, KeyState>()

  constructor(inner: BlobStore, keys: KeySpace) {
    this.#keys = keys
    const seen = (head: BlobHead | undefined, key: string): void => {
      const state = this.#state(key)
      if (!state) return
      if (state.after === undefined && state.before === undefined) state.before = head !== undefined
      if (head?.metadata) state.metadata = head.metadata
    }
    const changed = (key: string, after: KeyState['after'], before: boolean | undefined, metadata?: BlobMetadata): void => {
      const state = this.#state(key)
      if (!state) return
      state.before ??= before
      state.after = after === 'attributes' && state.after === 'written' ? 'written' : after
      if (metadata) state.metadata = metadata
      // Map order is the order of each key's last change.
      this.#states.delete(key)
      this.#states.set(key, state)
    }
    this.blobs = forwardTo(inner, {
      head: async (key, options) => {
        const head = await inner.head(key, options)
        seen(head, key)
        return head
      },
      list: async (prefix, options) => {
        const page = await inner.list(prefix, options)
        for (const object of page.objects) seen(object, object.key)
        return page
      },
      put: async (key, body, options) => {
        const head = await inner.put(key, body, options)
        changed(key, 'written', options?.ifNoneMatch === '*' ? false : options?.ifMatch !== undefined ? true : undefined, options?.metadata)
        return head
      },
      copy: async (from, to, options) => {
        const head = await inner.copy(from, to, options)
        changed(to, 'written', options?.ifNoneMatch === '*' ? false : undefined, options?.metadata ?? head.metadata)
        return head
      },
      setMetadata: async (key, metadata, options) => {
        const head = await inner.setMetadata(key, metadata, options)
        changed(key, 'attributes', true, metadata)
        return head
      },
      delete: async (keys, options) => {
        const result = await inner.delete(keys, options)
        for (const key of result.deleted) changed(key, 'deleted', true)
        return result
      },
      ...(inner.deleteIfMatch
        ? {
            deleteIfMatch: async (key: string, version: string, options?: Parameters<NonNullable<BlobStore['deleteIfMatch']>>[2]) => {
              await inner.deleteIfMatch!(key, version, options)
              changed(key, 'deleted', true)
            },
          }
        : {}),
    })
  }

  /** The events of what the operation changed so far, oldest change first. */
  events(operation: RecordedOperation, at = new Date()): ChangeInput[] {
    const attributesOnly = operation.op === 'updateMetadata' || operation.op === 'utimes'
    const events: ChangeInput[] = []
    for (const [key, state] of this.#states) {
      const path = this.#keys.pathOf(key)
      const entryType = entryTypeOf(key, this.#keys, state.metadata)
      const existed = state.before !== false
      if (state.after === 'deleted') {
        if (!existed) continue
        events.push({ type: 'remove', path, entryType, at })
      } else if (state.after === 'attributes' || (state.after === 'written' && (attributesOnly || (existed && entryType === 'directory')))) {
        events.push({ type: 'chmod', path, entryType, at })
      } else if (state.after === 'written') {
        events.push({ type: existed ? 'write' : 'create', path, entryType, at })
      }
    }
    const named = operation.op === 'rename' && operation.from && operation.to ? this.#renames(events, operation.from, operation.to) : events
    // A remove or a rename leaves an implicit parent directory a marker: it existed already.
    if ((operation.op === 'rm' || operation.op === 'rename') && operation.from) {
      const parent = operation.from.slice(0, Math.max(operation.from.lastIndexOf('/'), 1))
      return named.filter((event) => !(event.type === 'create' && event.entryType === 'directory' && event.path === parent))
    }
    return named
  }

  /** Pairs each removed source with the entry written at its place under `to`. */
  #renames(events: ChangeInput[], from: string, to: string): ChangeInput[] {
    const written = new Map<string, number>()
    events.forEach((event, index) => {
      if (event.type !== 'remove') written.set(event.path, index)
    })
    const drop = new Set<number>()
    const result = events.map((event) => {
      if (event.type !== 'remove' || !(event.path === from || event.path.startsWith(`${from}/`))) return event
      const index = written.get(`${to}${event.path.slice(from.length)}`)
      if (index === undefined) return event
      drop.add(index)
      return { ...events[index]!, type: 'rename' as const, oldPath: event.path }
    })
    return result.filter((_, index) => !drop.has(index))
  }

  #state(key: string): KeyState | undefined {
    if (!key.startsWith(this.#keys.prefix)) return undefined
    let state = this.#states.get(key)
    if (!state) {
      state = { before: undefined, after: undefined, metadata: undefined }
      this.#states.set(key, state)
    }
    return state
  }
}

function entryTypeOf(key: string, keys: KeySpace, metadata: BlobMetadata | undefined): VolumeEvent['entryType'] {
  if (key.endsWith('/') || key === keys.prefix) return 'directory'
  const mode = Number(metadata?.[metadataKeys.mode])
  return Number.isFinite(mode) && (mode & S_IFMT) === S_IFLNK ? 'symlink' : 'file'
}
