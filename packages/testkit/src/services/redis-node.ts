import type { ManagedProcess } from './test-service.js'
import { redisCommand } from './redis.js'

/** One redis-server process the harness started, with the controls a failover test needs. */
export interface RedisNodeProcess {
  readonly host: string
  readonly port: number
  readonly pid: number
  /** False once killed (or exited). */
  readonly alive: boolean
  /** SIGKILL, as a crash: no shutdown, no final replication. Resolves once the process has exited. */
  kill(): Promise<void>
  /** SIGSTOP: the server freezes (replication to and from it stops; its TCP connections stay open). */
  pause(): void
  /** SIGCONT. */
  resume(): void
  /** Resumes it if paused, then stops it and removes its data directory. */
  stop(): Promise<void>
}

/** Wraps a started redis-server in {@link RedisNodeProcess} controls. */
export function redisNode(host: string, port: number, server: ManagedProcess): RedisNodeProcess {
  let paused = false
  return {
    host,
    port,
    pid: server.child.pid ?? -1,
    get alive() {
      return server.exitReason() === undefined
    },
    async kill() {
      if (server.exitReason() !== undefined) return
      const exited = new Promise((resolve) => server.child.once('exit', resolve))
      server.child.kill('SIGKILL')
      await exited
    },
    pause() {
      paused = true
      server.child.kill('SIGSTOP')
    },
    resume() {
      if (!paused) return
      paused = false
      server.child.kill('SIGCONT')
    },
    async stop() {
      if (paused && server.exitReason() === undefined) server.child.kill('SIGCONT')
      await server.stop()
    },
  }
}

/** A line of `CLUSTER NODES`. */
export interface ClusterNodeInfo {
  readonly id: string
  readonly host: string
  readonly port: number
  /** `master` or `slave` (and `fail`, `pfail`, `myself`...). */
  readonly flags: readonly string[]
  /** The master's id, for a replica; `-` for a master. */
  readonly masterId: string
  /** Slot ranges served, as `[first, last]`. */
  readonly slots: ReadonlyArray<readonly [number, number]>
}

/** Reads `CLUSTER NODES` from one node and parses it. */
export async function clusterNodes(host: string, port: number): Promise<ClusterNodeInfo[]> {
  const text = await redisCommand(host, port, ['CLUSTER', 'NODES'])
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const [id = '', address = '', flags = '', masterId = '', , , , , ...slots] = line.trim().split(' ')
      const hostPort = address.split('@')[0]!
      const colon = hostPort.lastIndexOf(':')
      return {
        id,
        host: hostPort.slice(0, colon),
        port: Number(hostPort.slice(colon + 1)),
        flags: flags.split(','),
        masterId,
        slots: slots
          .filter((range) => !range.startsWith('['))
          .map((range) => {
            const [first, last = first] = range.split('-')
            return [Number(first), Number(last)] as const
          }),
      }
    })
}

/** The master serving `slot` (as `CLUSTER NODES` on `host:port` sees it), and its replicas. */
export async function slotOwner(host: string, port: number, slot: number): Promise<{ master: ClusterNodeInfo; replicas: ClusterNodeInfo[] } | undefined> {
  const nodes = await clusterNodes(host, port)
  const master = nodes.find((node) => node.flags.includes('master') && !node.flags.includes('fail') && node.slots.some(([first, last]) => slot >= first && slot <= last))
  if (!master) return undefined
  return { master, replicas: nodes.filter((node) => node.masterId === master.id) }
}

/** `INFO replication` of one server as a map (`role`, `connected_slaves`, `master_link_status`...). */
export async function replicationInfo(host: string, port: number): Promise<Record<string, string>> {
  const text = await redisCommand(host, port, ['INFO', 'replication'])
  const fields: Record<string, string> = {}
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1)
  }
  return fields
}
