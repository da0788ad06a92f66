// An HTTP proxy on 127.0.0.1 that holds every request for `delayMs` before passing it
// on: a crude stand-in for the network round trip to GCS, which a loopback emulator
// does not have. Upload session URLs in `Location` headers are rewritten to point back
// at the proxy, so every request of a resumable upload pays the delay too.
import { createServer, request } from 'node:http'

export async function startLatencyProxy(target, delayMs) {
  const upstream = new URL(target)
  let self = ''
  const server = createServer((req, res) => {
    setTimeout(() => {
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (answer) => {
          const headers = { ...answer.headers }
          if (typeof headers.location === 'string') headers.location = headers.location.replace(target, self)
          res.writeHead(answer.statusCode ?? 502, headers)
          answer.pipe(res)
        },
      )
      forward.once('error', (error) => res.destroy(error))
      req.pipe(forward)
    }, delayMs)
  })
  // Clients keep connections alive; a server closing an idle one just as a client reuses
  // it resets that request (node's default is 5 s), so keep them open longer than a run.
  server.keepAliveTimeout = 10 * 60_000
  server.headersTimeout = server.keepAliveTimeout + 1000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  self = `http://127.0.0.1:${server.address().port}`
  return {
    url: self,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  }
}
