import { binaryCacheDir, findBinary, freePort, ServiceUnavailableError, startProcess, waitUntil, type TestService } from '../services/test-service.js'

/** Which way a fault acts: `downstream` is what the server sends back, `upstream` what the client sends. */
export type FaultDirection = 'downstream' | 'upstream'

/**
 * A fault a {@link FaultProxy} applies to every connection, present and future, until removed:
 * - `latency`: each chunk waits `ms` (± `jitterMs`);
 * - `bandwidth`: at most `kbPerSecond` KB/s;
 * - `cut`: the connection is closed after `bytes` more bytes (a body cut short mid-way);
 * - `reset`: the connection is reset (TCP RST) `afterMs` after data arrives;
 * - `silence`: no data passes and the connection is never closed (a server that stops answering).
 */
export type Fault =
  | { readonly kind: 'latency'; readonly ms: number; readonly jitterMs?: number; readonly direction?: FaultDirection }
  | { readonly kind: 'bandwidth'; readonly kbPerSecond: number; readonly direction?: FaultDirection }
  | { readonly kind: 'cut'; readonly bytes: number; readonly direction?: FaultDirection }
  | { readonly kind: 'reset'; readonly afterMs: number; readonly direction?: FaultDirection }
  | { readonly kind: 'silence'; readonly direction?: FaultDirection }

/** One upstream behind toxiproxy, listening on a free 127.0.0.1 port. */
export interface FaultProxy {
  readonly host: string
  readonly port: number
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  /** Applies `fault` and returns its name, for {@link FaultProxy.remove}. */
  add(fault: Fault): Promise<string>
  remove(name: string): Promise<void>
  /** Removes every fault. */
  clear(): Promise<void>
  /** Closes every connection and stops listening (connections are refused), until {@link FaultProxy.enable}. */
  disable(): Promise<void>
  enable(): Promise<void>
}

/** A toxiproxy-server started for a test file. */
export interface ToxiproxyService extends TestService {
  /** A new proxy to `upstream` (`host:port`). */
  proxy(upstream: string): Promise<FaultProxy>
}

function toxic(fault: Fault): { type: string; attributes: Record<string, number> } {
  switch (fault.kind) {
    case 'latency': return { type: 'latency', attributes: { latency: fault.ms, jitter: fault.jitterMs ?? 0 } }
    case 'bandwidth': return { type: 'bandwidth', attributes: { rate: fault.kbPerSecond } }
    case 'cut': return { type: 'limit_data', attributes: { bytes: fault.bytes } }
    case 'reset': return { type: 'reset_peer', attributes: { timeout: fault.afterMs } }
    case 'silence': return { type: 'timeout', attributes: { timeout: 0 } }
  }
}

/**
 * Starts toxiproxy-server (Shopify's fault-injecting TCP proxy; `scripts/install/toxiproxy.sh`
 * builds it into the binary cache) on a free 127.0.0.1 port and drives it through its HTTP API.
 * Every API call is bounded (5 s), so a wedged proxy fails a test instead of hanging it.
 */
export async function startToxiproxy(): Promise<ToxiproxyService> {
  const binary = findBinary('toxiproxy-server')
  if (!binary) throw new ServiceUnavailableError(`no toxiproxy-server: run scripts/install/toxiproxy.sh (builds it into ${binaryCacheDir()})`)
  const apiPort = await freePort()
  const api = `http://127.0.0.1:${apiPort}`
  const server = await startProcess('toxiproxy', binary, () => ['-host', '127.0.0.1', '-port', String(apiPort)])
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5_000),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`toxiproxy ${method} ${path}: ${response.status} ${text}`)
    return text ? JSON.parse(text) : undefined
  }
  try {
    await waitUntil('toxiproxy-server', async () => (await fetch(`${api}/version`, { signal: AbortSignal.timeout(2_000) })).ok, 15_000, server.exitReason)
  } catch (error) {
    await server.stop()
    throw error
  }
  let proxies = 0
  return {
    name: 'toxiproxy',
    url: api,
    source: 'binary',
    details: { pid: String(server.child.pid), binary },
    stop: () => server.stop(),
    async proxy(upstream) {
      const name = `p${++proxies}`
      const created = (await call('POST', '/proxies', { name, listen: '127.0.0.1:0', upstream, enabled: true })) as { listen: string }
      const port = Number(created.listen.split(':').pop())
      const faults = new Set<string>()
      let added = 0
      const remove = async (toxicName: string): Promise<void> => {
        await call('DELETE', `/proxies/${name}/toxics/${toxicName}`)
        faults.delete(toxicName)
      }
      return {
        host: '127.0.0.1',
        port,
        url: `http://127.0.0.1:${port}`,
        async add(fault) {
          const direction = fault.direction ?? 'downstream'
          const toxicName = `${fault.kind}-${direction}-${++added}`
          await call('POST', `/proxies/${name}/toxics`, { name: toxicName, stream: direction, toxicity: 1, ...toxic(fault) })
          faults.add(toxicName)
          return toxicName
        },
        remove,
        async clear() {
          for (const toxicName of [...faults]) await remove(toxicName)
        },
        async disable() {
          await call('POST', `/proxies/${name}`, { enabled: false })
        },
        async enable() {
          await call('POST', `/proxies/${name}`, { enabled: true, listen: `127.0.0.1:${port}` })
        },
      }
    },
  }
}
