import type { ChangeItem } from '@volumes/core'
import { checkAccess } from '../auth/access.js'
import { defineRoute, queryFlag, type ServerDeps, type VolumesApp } from '../context.js'
import { bodyPath, volumeSegmentOf } from '../paths.js'

/** Comment lines sent while no event comes, so proxies keep the stream open. */
const KEEPALIVE_MS = 15_000

/** One Server-Sent Event: `id` is the cursor (the browser's `Last-Event-ID`), `event` the type, `data` the JSON. */
export function formatServerSentEvent(item: ChangeItem): string {
  const data = JSON.stringify({ ...item, at: item.at.toISOString() })
  return `id: ${item.cursor}\nevent: ${item.type}\ndata: ${data}\n\n`
}

/**
 * `GET /volumes/{volume}/events?path=&recursive=`: the volume's change events as Server-Sent
 * Events, authorised like a file read (a volume token reaches only its volume). Resumes after
 * `Last-Event-ID` (or `?since=`). Errors before the stream starts are the usual JSON errors:
 * 404 for a volume out of reach or a missing path, ENOTDIR for a file, 400 EINVAL for a bad cursor.
 */
export function eventRoutes(app: VolumesApp, deps: ServerDeps): void {
  defineRoute(app, deps, {
    method: 'GET',
    path: '/volumes/:volume/events',
    op: 'watch',
    async handler(c, principal) {
      const op = 'watch'
      const path = bodyPath(c.req.query('path') ?? '/', 'path', op)
      const volume = await deps.tenancy.open(principal, volumeSegmentOf(c.req.url, op), op)
      c.set('volumeId', volume.volumeId)
      await checkAccess(deps.store.leases, principal, volume, false, op, path)
      const since = c.req.header('last-event-id') ?? c.req.query('since')
      const controller = new AbortController()
      const watch = volume.watch(path, { recursive: queryFlag(c, 'recursive', op), since: since || undefined, signal: controller.signal })
      await watch.ready
      const encoder = new TextEncoder()
      let keepalive: NodeJS.Timeout | undefined
      const iterator = watch[Symbol.asyncIterator]()
      const body = new ReadableStream<Uint8Array>({
        start(stream) {
          stream.enqueue(encoder.encode(': watching\n\n'))
          keepalive = setInterval(() => {
            try {
              stream.enqueue(encoder.encode(': keepalive\n\n'))
            } catch {
              clearInterval(keepalive)
            }
          }, KEEPALIVE_MS)
        },
        async pull(stream) {
          const next = await iterator.next()
          try {
            if (!next.done) return stream.enqueue(encoder.encode(formatServerSentEvent(next.value)))
            clearInterval(keepalive)
            stream.close()
          } catch {
            // Cancelled meanwhile: the client went away.
          }
        },
        async cancel() {
          clearInterval(keepalive)
          controller.abort()
          await watch.close()
        },
      }, { highWaterMark: 0 })
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' } })
    },
  })
}
