import { execFile } from 'node:child_process'
import { connect } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { localImage, startHostContainer } from './container.js'
import { dockerAvailable, findBinary, freePort, ServiceUnavailableError, startProcess, waitUntil, type ManagedProcess, type TestService } from './test-service.js'
import { clusterNodes, redisNode, replicationInfo, type RedisNodeProcess } from './redis-node.js'

/** A redis-server for tests. */
export interface RedisService extends TestService {
  readonly host: string
  readonly port: number
  /** True when the harness started the server itself and can kill and restart it. */
  readonly restartable: boolean
  /** Kills the server with SIGKILL: without persistence, every key is lost. Only when `restartable`. */
  kill(): Promise<void>
  /** Starts the server again, empty, on the same port. Only when `restartable`. */
  restart(): Promise<void>
}

/** A Redis Cluster for tests: three masters, and a replica each if asked. */
export interface RedisClusterService extends TestService {
  /** The masters at start-up, for `new Cluster(nodes)`. */
  readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>
  /** Every server the harness started (masters and replicas), to kill or pause; empty for a cluster named in the environment. */
  readonly servers: readonly RedisNodeProcess[]
}

/** Options of {@link startRedisCluster}. */
export interface StartRedisClusterOptions {
  /** Replicas per master (`--cluster-replicas`). Default 0. Needs the local binaries (not `VOLUMES_REDIS_CLUSTER_NODES`). */
  readonly replicas?: number
  /** `cluster-node-timeout`: how long a silent master takes to be failed over. Default 5000 ms. */
  readonly nodeTimeoutMs?: number
}

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** Require a server the harness can kill and restart (the local binary): skips `VOLUMES_REDIS_URL` and containers. */
  readonly restartable?: boolean
  /** Only a container: `volumes-test/redis-server:local` (`docker/build-images.sh`) by testcontainers in host network mode. */
  readonly container?: boolean
}

/**
 * Sends one command to a Redis server over a fresh connection and returns the reply
 * (simple string, bulk string or integer as text, a flat array of bulk strings joined with
 * newlines; an error reply rejects). Dependency-free on purpose: the
 * harness needs only PING, INFO, CLUSTER INFO / NODES, CONFIG and SENTINEL GET-MASTER-ADDR-BY-NAME.
 */
export function redisCommand(host: string, port: number, args: readonly string[], timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port })
    let buffer = Buffer.alloc(0)
    const done = (error: Error | undefined, value?: string): void => {
      socket.destroy()
      if (error) reject(error)
      else resolve(value ?? '')
    }
    socket.setTimeout(timeoutMs, () => done(new Error(`redis ${host}:${port} did not answer ${args[0]} within ${timeoutMs} ms`)))
    socket.on('error', (error) => done(error))
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`))
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      const lineEnd = buffer.indexOf('\r\n')
      if (lineEnd < 0) return
      const kind = String.fromCharCode(buffer[0]!)
      const line = buffer.subarray(1, lineEnd).toString()
      if (kind === '-') return done(new Error(line))
      if (kind === '+' || kind === ':') return done(undefined, line)
      if (kind === '$') {
        const length = Number(line)
        if (length < 0) return done(undefined, '')
        if (buffer.length >= lineEnd + 2 + length) done(undefined, buffer.subarray(lineEnd + 2, lineEnd + 2 + length).toString())
        return
      }
      if (kind === '*') {
        // A flat array of bulk strings (SENTINEL GET-MASTER-ADDR-BY-NAME), joined with newlines.
        const items: string[] = []
        let at = lineEnd + 2
        for (let i = 0; i < Number(line); i++) {
          const end = buffer.indexOf('\r\n', at)
          if (end < 0) return
          const length = Number(buffer.subarray(at + 1, end).toString())
          if (buffer.length < end + 2 + length + 2) return
          items.push(buffer.subarray(end + 2, end + 2 + length).toString())
          at = end + 2 + length + 2
        }
        return done(undefined, items.join('\n'))
      }
      done(new Error(`unexpected reply to ${args[0]}: ${buffer.toString().slice(0, 200)}`))
    })
  })
}

const pong = async (host: string, port: number): Promise<boolean> => (await redisCommand(host, port, ['PING'])) === 'PONG'

function serverArgs(port: number, dataDir: string, extra: string[] = []): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dataDir, ...extra]
}

function unsupported(what: string): () => Promise<void> {
  return () => Promise.reject(new Error(`${what} is not supported for a Redis the harness did not start`))
}

/**
 * Provides a redis-server: `VOLUMES_REDIS_URL` first, then the `redis-server` binary
 * (Debian package, see scripts/install/redis.sh) on 127.0.0.1 on a free port without
 * persistence (`--save '' --appendonly no`), then a `volumes-test/redis-server:local` container where a Docker
 * engine runs. Only the binary can be killed and restarted.
 *
 * @example
 * const redis = await provideService('redis-server', () => startRedis())
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisService> {
  if (options.container) return startRedisContainer()
  const fromEnv = process.env.VOLUMES_REDIS_URL
  if (fromEnv && !options.restartable) {
    const url = new URL(fromEnv)
    const host = url.hostname
    const port = Number(url.port || 6379)
    await waitUntil(`Redis at ${fromEnv}`, () => pong(host, port), 10_000)
    return { name: 'redis-server', url: fromEnv, source: 'env', host, port, restartable: false, details: {}, stop: async () => undefined, kill: unsupported('kill'), restart: unsupported('restart') }
  }

  const binary = findBinary('redis-server')
  if (binary) {
    const host = '127.0.0.1'
    const port = await freePort()
    const launch = async (): Promise<ManagedProcess> => {
      const server = await startProcess('redis', binary, (dir) => serverArgs(port, dir))
      try {
        await waitUntil('redis-server', () => pong(host, port), 15_000, server.exitReason)
      } catch (error) {
        await server.stop()
        throw error
      }
      return server
    }
    let server: ManagedProcess | undefined = await launch()
    const details: Record<string, string> = { pid: String(server.child.pid) }
    return {
      name: 'redis-server',
      url: `redis://${host}:${port}`,
      source: 'binary',
      host,
      port,
      restartable: true,
      details,
      async kill() {
        const current = server
        server = undefined
        if (!current || current.exitReason() !== undefined) return
        const exited = new Promise((resolve) => current.child.once('exit', resolve))
        current.child.kill('SIGKILL')
        await exited
        await current.stop()
      },
      async restart() {
        if (server) throw new Error('redis-server is still running: kill() it first')
        server = await launch()
        details.pid = String(server.child.pid)
      },
      async stop() {
        await server?.stop()
        server = undefined
      },
    }
  }

  if (dockerAvailable() && !options.restartable) return startRedisContainer()

  throw new ServiceUnavailableError(
    options.restartable
      ? 'no redis-server binary (needed to kill and restart Redis): run scripts/install/redis.sh'
      : 'no Redis: set VOLUMES_REDIS_URL, or run scripts/install/redis.sh (installs redis-server), or start a Docker engine',
  )
}

async function startRedisContainer(): Promise<RedisService> {
  const host = '127.0.0.1'
  const port = await freePort()
  const container = await startHostContainer({
    image: localImage('redis-server'),
    command: ['/redis-server', ...serverArgs(port, '/data')],
    ready: () => pong(host, port),
    what: `redis-server on ${port}`,
  })
  return {
    name: 'redis-server', url: `redis://${host}:${port}`, source: 'container', host, port, restartable: false,
    details: { containerId: container.id },
    stop: () => container.stop(),
    kill: unsupported('kill'),
    restart: unsupported('restart'),
  }
}

/** Distinct free ports (the cluster bus needs its own, `--cluster-port`, since port + 10000 may not exist). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < count) ports.add(await freePort())
  return [...ports]
}

/**
 * Provides a Redis Cluster of three masters: `VOLUMES_REDIS_CLUSTER_NODES` (`host:port,host:port,...`)
 * first (without replicas only), else `3 × (1 + replicas)` `redis-server --cluster-enabled yes`
 * on 127.0.0.1 joined with `redis-cli --cluster create ... --cluster-replicas <n> --cluster-yes`,
 * returned once every node reports `cluster_state:ok` and every replica is in sync.
 */
export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisClusterService> {
  const replicas = options.replicas ?? 0
  const fromEnv = process.env.VOLUMES_REDIS_CLUSTER_NODES
  if (fromEnv && replicas === 0) {
    const nodes = fromEnv.split(',').map((entry) => {
      const [host = '127.0.0.1', port = '6379'] = entry.trim().split(':')
      return { host, port: Number(port) }
    })
    return { name: 'redis-cluster', url: `redis://${fromEnv.split(',')[0]}`, source: 'env', nodes, servers: [], details: {}, stop: async () => undefined }
  }

  const serverBinary = findBinary('redis-server')
  const cliBinary = findBinary('redis-cli')
  if (!serverBinary || !cliBinary) throw new ServiceUnavailableError('no redis-server / redis-cli binaries for a Redis Cluster: run scripts/install/redis.sh')
  const host = '127.0.0.1'
  const count = 3 * (1 + replicas)
  const ports = await freePorts(2 * count)
  const servers: RedisNodeProcess[] = []
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(servers.map((server) => server.stop()))
  }
  let masters: Array<{ host: string; port: number }> = []
  try {
    for (let i = 0; i < count; i++) {
      const port = ports[i]!
      const clusterArgs = ['--cluster-enabled', 'yes', '--cluster-port', String(ports[i + count]), '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 5000)]
      // A replica stopped for a while must still be allowed to take over (tests pause replicas to make them lag).
      if (replicas > 0) clusterArgs.push('--cluster-replica-validity-factor', '0')
      const server = await startProcess(`redis-cluster-${i}`, serverBinary, (dir) => serverArgs(port, dir, [...clusterArgs, '--cluster-config-file', join(dir, 'nodes.conf')]))
      servers.push(redisNode(host, port, server))
      await waitUntil(`redis-server (cluster node ${port})`, () => pong(host, port), 15_000, server.exitReason)
    }
    const addresses = ports.slice(0, count).map((port) => `${host}:${port}`)
    await promisify(execFile)(cliBinary, ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 60_000 })
    for (const port of ports.slice(0, count)) {
      await waitUntil(`Redis Cluster state ok on ${port}`, async () => (await redisCommand(host, port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok'), 30_000)
    }
    const topology = await clusterNodes(host, ports[0]!)
    masters = topology.filter((node) => node.flags.includes('master')).map((node) => ({ host: node.host, port: node.port }))
    for (const replica of topology.filter((node) => node.flags.includes('slave'))) {
      await waitUntil(`replica ${replica.port} in sync`, async () => (await replicationInfo(host, replica.port)).master_link_status === 'up', 30_000)
    }
  } catch (error) {
    await stopAll()
    throw error
  }
  return {
    name: 'redis-cluster',
    url: `redis://${host}:${ports[0]}`,
    source: 'binary',
    nodes: masters,
    servers,
    details: { pids: servers.map((server) => server.pid).join(',') },
    stop: stopAll,
  }
}
