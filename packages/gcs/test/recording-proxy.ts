import { request as httpRequest, createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request seen by the proxy. */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
}

/** An HTTP proxy on 127.0.0.1 in front of the emulator that records every request and the peak concurrency per method. */
export interface RecordingProxy {
  readonly url: string
  readonly requests: RecordedRequest[]
  /** Most requests of each method that were in flight at once. */
  readonly peakInFlight: Map<string, number>
  reset(): void
  close(): Promise<void>
}

/** Starts a recording proxy forwarding to `target` (e.g. `http://127.0.0.1:4443`). */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target)
  const requests: RecordedRequest[] = []
  const peakInFlight = new Map<string, number>()
  const inFlight = new Map<string, number>()
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', target)
    const method = req.method ?? 'GET'
    requests.push({ method, path: url.pathname, query: url.searchParams })
    const now = (inFlight.get(method) ?? 0) + 1
    inFlight.set(method, now)
    peakInFlight.set(method, Math.max(peakInFlight.get(method) ?? 0, now))
    let done = false
    const finish = (): void => {
      if (done) return
      done = true
      inFlight.set(method, (inFlight.get(method) ?? 1) - 1)
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
        answer.once('end', finish)
      },
    )
    forward.once('error', (error) => {
      finish()
      res.destroy(error)
    })
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    peakInFlight,
    reset() {
      requests.length = 0
      peakInFlight.clear()
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
