import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A canned answer of the proxy instead of the real server's. */
export interface CannedResponse {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: string
  /** Send the headers and `body`, then neither more bytes nor the end (a server stalled mid-body). */
  readonly stall?: boolean
  /** Never answer at all. */
  readonly hang?: boolean
}

/** Decides, per request, whether to answer it itself (`undefined`: forward to the real server). */
export type Interceptor = (request: IncomingMessage, url: URL) => CannedResponse | undefined

/**
 * A loopback HTTP proxy in front of a real S3 server that forwards requests byte for byte
 * (so SigV4 signatures stay valid) unless `intercept` answers them: a way to make a real
 * MinIO look like a server that misbehaves in one precise way.
 */
export async function startInterceptingProxy(target: string, intercept: Interceptor): Promise<{ endpoint: string; seen: string[]; close(): Promise<void> }> {
  const upstream = new URL(target)
  const seen: string[] = []
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://proxy')
    seen.push(`${req.method} ${url.pathname}${url.search}`)
    const canned = intercept(req, url)
    if (canned) {
      req.resume()
      if (canned.hang) return
      res.writeHead(canned.status, { 'content-length': String(Buffer.byteLength(canned.body ?? '')), ...canned.headers })
      if (canned.stall) res.write(canned.body ?? '')
      else res.end(canned.body ?? '')
      return
    }
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
