import { isVolumeError, VolumeError, type ChangeItem, type VolumeWatch, type WatchDirOptions, type WatchHandle, type WatchOptions } from '@volumes/core'
import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream'
import type { HttpClient } from './http.js'
import { volumeRoute } from './routes.js'

/** Wait before reconnecting after the stream broke: doubles from the first to the last. */
const RECONNECT_MS = [250, 500, 1000, 2000, 5000] as const

/**
 * `volume.watch` over `GET /volumes/{volume}/events` (Server-Sent Events). When the connection
 * breaks or the server restarts, it reconnects with `Last-Event-ID` (the last cursor seen), so
 * nothing is lost that the server's feed still has, and a gap is reported where it has not.
 * Errors the server answers (ENOENT, ENOTDIR, EINVAL, 404 for a volume out of reach) end it.
 */
export function watchOverHttp(http: HttpClient, volumeId: string, path: string, options: WatchOptions = {}): VolumeWatch {
  const controller = new AbortController()
  const stop = (): void => controller.abort()
  options.signal?.addEventListener('abort', stop, { once: true })
  let cursor = options.since
  const connect = async (): Promise<ReadableStreamDefaultReader<EventSourceMessage>> => {
    const response = await http.send({
      method: 'GET',
      route: `${volumeRoute(volumeId, 'watch')}/events`,
      query: { path, recursive: options.recursive === true },
      headers: { accept: 'text/event-stream', ...(cursor ? { 'last-event-id': cursor } : {}) },
      signal: controller.signal,
      op: 'watch',
      path,
    })
    return response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader()
  }
  const first = connect()
  const ready = first.then(() => undefined)
  ready.catch(() => undefined)
  async function* items(): AsyncGenerator<ChangeItem> {
    let reader: ReadableStreamDefaultReader<EventSourceMessage> | undefined = await first
    let failures = 0
    try {
      while (!controller.signal.aborted) {
        try {
          reader ??= await connect()
          const { value, done } = await reader.read()
          if (done) throw new VolumeError('EIO', { op: 'watch', path, reason: 'StreamEnded', detail: 'the server ended the event stream', temporary: true })
          failures = 0
          const item = itemOf(value)
          cursor = item.cursor
          yield item
        } catch (error) {
          if (controller.signal.aborted) return
          // A broken stream (the server went away) fails with fetch's own error: reconnect; answers of the server are VolumeErrors.
          if (isVolumeError(error) && (error.temporary !== true || error.code === 'ECANCELED')) throw error
          await reader?.cancel().catch(() => undefined)
          reader = undefined
          await delay(RECONNECT_MS[Math.min(failures++, RECONNECT_MS.length - 1)]!, controller.signal)
        }
      }
    } finally {
      options.signal?.removeEventListener('abort', stop)
      controller.abort()
      await reader?.cancel().catch(() => undefined)
    }
  }
  const iterator = items()
  return {
    ready,
    [Symbol.asyncIterator]: () => iterator,
    close: async () => {
      controller.abort()
      await iterator.return(undefined)
    },
  }
}

/** `watchDir` on top of {@link watchOverHttp}: resolves once watching. */
export async function watchDirOverHttp(http: HttpClient, volumeId: string, path: string, onEvent: (item: ChangeItem) => void | Promise<void>, options: WatchDirOptions = {}): Promise<WatchHandle> {
  const watch = watchOverHttp(http, volumeId, path, { recursive: options.recursive, since: options.since })
  await watch.ready
  let stopped = false
  const done = (async () => {
    try {
      for await (const item of watch) await onEvent(item)
      if (!stopped) options.onExit?.()
    } catch (error) {
      if (!stopped) options.onExit?.(error)
    }
  })()
  return {
    stop: async () => {
      stopped = true
      await watch.close()
      await done
    },
  }
}

function itemOf(message: EventSourceMessage): ChangeItem {
  try {
    const raw = JSON.parse(message.data) as Record<string, unknown>
    return { ...raw, at: new Date(String(raw.at)), cursor: String(raw.cursor ?? message.id) } as ChangeItem
  } catch (cause) {
    throw new VolumeError('EIO', { op: 'watch', reason: 'BadResponse', detail: 'the server sent an event that is not JSON', cause })
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
