import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { createVolumesHandler, type VolumesHandler, type VolumesHandlerOptions } from './create-handler.js'

/** A Node `http` request listener for a handler (Node's `http`, Express, Fastify's `serverFactory`...). */
export type NodeListener = (request: IncomingMessage, response: ServerResponse) => Promise<void>

/**
 * Adapts a handler to Node's `(req, res)` listener. `overrideGlobalObjects` (default false)
 * lets @hono/node-server replace the global `Request`/`Response` with faster lightweight ones:
 * worth it in a process that only serves, which is what {@link startVolumesServer} does.
 */
export function toNodeListener(handler: Pick<VolumesHandler, 'fetch'>, options: { overrideGlobalObjects?: boolean } = {}): NodeListener {
  return getRequestListener((request) => handler.fetch(request), { overrideGlobalObjects: options.overrideGlobalObjects ?? false }) as NodeListener
}

/** Options of {@link startVolumesServer}: where to listen, plus the handler's options (or a handler). */
export type VolumesServerOptions = (VolumesHandlerOptions | { readonly handler: VolumesHandler }) & {
  /** Default 8787; 0 picks a free port. */
  readonly port?: number | undefined
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined
  /** Longest wait for requests in flight on shutdown before their connections are cut. Default 10 s. */
  readonly drainTimeoutMs?: number | undefined
  /**
   * Release the leases this process granted (and still holds) on shutdown. Default true.
   * With several processes over one Redis, a rolling restart then ends the attachments the
   * stopping process granted: set false to leave them to expire or to be renewed elsewhere.
   */
  readonly releaseLeasesOnShutdown?: boolean | undefined
  /**
   * Longest time to receive one whole request (Node's `requestTimeout`, 5 min by default, would
   * cut long uploads). Default 1 hour; 0 for none. Headers must still arrive within 60 s.
   */
  readonly requestTimeoutMs?: number | undefined
  /** Let @hono/node-server replace the global Request/Response (see {@link toNodeListener}). Default true. */
  readonly overrideGlobalObjects?: boolean | undefined
}

/** A running server. */
export interface VolumesServer {
  /** e.g. `http://127.0.0.1:8787` */
  readonly url: string
  readonly port: number
  readonly host: string
  readonly handler: VolumesHandler
  readonly server: Server
  /** Requests being served now. */
  inFlight(): number
  /**
   * Graceful shutdown, idempotent: stops accepting connections, lets requests in flight
   * finish (up to `drainTimeoutMs`, then cuts them), closes idle keep-alive connections,
   * and releases the leases this process holds. Resolves to what it did.
   */
  close(): Promise<{ drained: boolean; releasedLeases: number }>
}

/**
 * Starts the HTTP API on Node's `http` (loopback by default).
 *
 * @example
 * const server = await startVolumesServer({ store, auth: { apiKeys: { [key]: 'default' } }, port: 8787 })
 * process.once('SIGTERM', () => void server.close())
 */
export async function startVolumesServer(options: VolumesServerOptions): Promise<VolumesServer> {
  const handler = 'handler' in options ? options.handler : createVolumesHandler(options)
  const listener = toNodeListener(handler, { overrideGlobalObjects: options.overrideGlobalObjects ?? true })
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000
  let inFlight = 0
  let draining = false
  let drained: (() => void) | undefined
  const server = createServer({ requestTimeout: options.requestTimeoutMs ?? 3_600_000 }, (request, response) => {
    inFlight++
    response.once('close', () => {
      inFlight--
      if (inFlight === 0) drained?.()
    })
    if (draining) response.setHeader('connection', 'close')
    void listener(request, response)
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 8787, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  let closing: Promise<{ drained: boolean; releasedLeases: number }> | undefined

  const close = async (): Promise<{ drained: boolean; releasedLeases: number }> => {
    draining = true
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const finished = inFlight === 0 || (await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), drainTimeoutMs)
      drained = () => {
        clearTimeout(timer)
        resolve(true)
      }
    }))
    server.closeAllConnections()
    await stopped
    const releasedLeases = options.releaseLeasesOnShutdown === false ? 0 : await handler.releaseLeases()
    return { drained: finished, releasedLeases }
  }

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host,
    handler,
    server,
    inFlight: () => inFlight,
    close: () => (closing ??= close()),
  }
}
