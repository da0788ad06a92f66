import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { requireDirectory } from '../volume/entry-resolver.js'
import type { VolumeContext } from '../volume/volume-context.js'
import type { ChangeItem, ChangeStream } from './change-feed.js'

/** Options of `volume.watch`. */
export interface WatchOptions {
  /** Events anywhere under the path; otherwise of the directory itself and its direct children. */
  readonly recursive?: boolean | undefined
  /** Ends the watch: iteration returns. */
  readonly signal?: AbortSignal | undefined
  /** Resume after this cursor (of an event or a gap): every event since, or a gap first. */
  readonly since?: string | undefined
}

/** A running watch: iterate it for events (and gaps). */
export interface VolumeWatch extends AsyncIterable<ChangeItem> {
  /** Resolves once watching: events from then on are seen. Rejects ENOENT, ENOTDIR, EINVAL as iteration would. */
  readonly ready: Promise<void>
  /** Ends the watch. */
  close(): Promise<void>
}

/** Options of `volume.watchDir`. */
export interface WatchDirOptions {
  readonly recursive?: boolean | undefined
  readonly since?: string | undefined
  /** Called once when the watch ends by itself, with the error if it failed. */
  readonly onExit?: ((error?: unknown) => void) | undefined
}

/** E2B's watch handle. */
export interface WatchHandle {
  /** Stops watching; `onEvent` is not called after it resolves. */
  stop(): Promise<void>
}

/** Starts watching the directory at `path` (normalised): ENOENT when missing, ENOTDIR when a file. */
export function watchVolume(context: VolumeContext, path: string, options: WatchOptions = {}): VolumeWatch {
  const started = (async (): Promise<ChangeStream> => {
    if (!context.changes) throw new VolumeError('ENOTSUP', { op: 'watch', path, reason: 'NoChangeFeed', detail: 'this volume has no change feed' })
    await requireDirectory(context, path, 'watch')
    return context.changes.subscribe(context.volumeId, { path, recursive: options.recursive, since: options.since, signal: options.signal })
  })()
  const ready = started.then(() => undefined)
  ready.catch(() => undefined)
  return {
    ready,
    async *[Symbol.asyncIterator]() {
      const stream = await started
      try {
        yield* stream
      } finally {
        await stream.close()
      }
    },
    close: async () => {
      const stream = await started.catch(() => undefined)
      await stream?.close()
    },
  }
}

/** `watchDir`: calls `onEvent` for each event until `stop()`; resolves once watching. */
export async function watchDirectory(context: VolumeContext, path: string, onEvent: (item: ChangeItem) => void | Promise<void>, options: WatchDirOptions = {}): Promise<WatchHandle> {
  const controller = new AbortController()
  const watch = watchVolume(context, path, { recursive: options.recursive, since: options.since, signal: controller.signal })
  await watch.ready
  const done = (async () => {
    try {
      for await (const item of watch) await onEvent(item)
      if (!controller.signal.aborted) options.onExit?.()
    } catch (error) {
      if (!(controller.signal.aborted && isVolumeError(error, 'ECANCELED'))) options.onExit?.(error)
    }
  })()
  return {
    stop: async () => {
      controller.abort()
      await watch.close()
      await done
    },
  }
}
