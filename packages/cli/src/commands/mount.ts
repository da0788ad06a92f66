import { hostname } from 'node:os'
import { MemoryLeaseManager, RegistryTokenFloor, VolumeStore, type LeaseManager, type LeaseMode } from '@volumes/core'
import { expectPositionals, parseInteger } from '../args.js'
import { defineCommand } from '../command.js'
import { UsageError } from '../errors.js'
import { blobStoreFromUrl, resolveStoreUrl } from '../store-from-url.js'
import { redisOptionsOf, stopRequested } from './serve.js'

const modes: readonly LeaseMode[] = ['exclusive', 'shared', 'readonly']

/** `--ttl` / `--attr-timeout`: seconds, fractions allowed. */
function parseSeconds(value: string, name: string, min: number, max: number): number {
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN
  if (!(seconds >= min && seconds <= max)) throw new UsageError(`${name} must be a number of seconds from ${min} to ${max} (got '${value}')`, 'mount')
  return seconds
}

/** `volumes mount <volume> <mountpoint>`: a FUSE mount in the foreground until SIGINT/SIGTERM. */
export const mount = defineCommand({
  name: 'mount',
  group: 'volumes',
  summary: 'Mount a volume as a directory (FUSE), in the foreground',
  usage: '<volume> <mountpoint> [--mode exclusive|shared|readonly] [--redis URL] [--holder ID] [--ttl S] [--uid N] [--gid N] [--cache-dir DIR] [--attr-timeout S]',
  details: [
    'Mounts the volume at an existing directory and holds its lease (attachment) until Ctrl-C or',
    'SIGTERM (or `volumes unmount <mountpoint>`), then uploads files still open, unmounts and releases.',
    'Writes are staged in a local cache file and uploaded on close/fsync; a readonly mount refuses',
    'changes with EROFS, a mount whose lease is lost fails them with EIO, a full volume with ENOSPC.',
    'Leases are in memory unless --redis (or $VOLUMES_REDIS_URL) names the Redis other holders use.',
    'Needs /dev/fuse and root (allow_other, default_permissions). See docs/mount.md.',
    '',
    'Example: volumes mount --store s3://bucket/volumes --redis redis://127.0.0.1:6379 my-project /workspace',
  ],
  options: {
    mode: { type: 'string', valueName: 'MODE', description: 'Lease mode: exclusive (default), shared or readonly' },
    redis: { type: 'string', valueName: 'URL', description: 'Redis holding the leases (default: $VOLUMES_REDIS_URL, else in memory)' },
    holder: { type: 'string', valueName: 'ID', description: 'Lease holder id (default mount:<host>:<pid>)' },
    ttl: { type: 'string', valueName: 'S', description: 'Lease time to live in seconds, renewed at a third of it (default 30)' },
    uid: { type: 'string', valueName: 'N', description: 'Show every file as owned by this uid; new files get it' },
    gid: { type: 'string', valueName: 'N', description: 'Show every file as owned by this gid; new files get it' },
    'cache-dir': { type: 'string', valueName: 'DIR', description: 'Where files being written are staged (default: the OS temp dir)' },
    'attr-timeout': { type: 'string', valueName: 'S', description: 'Attribute and directory cache TTL in seconds (default 1; 0 for none)' },
  },
  async run(context, { values, positionals }) {
    expectPositionals(positionals, 'mount', 2, 2, 'volume name and mountpoint')
    const [name, mountpoint] = positionals as [string, string]
    const mode = (values.mode ?? 'exclusive') as LeaseMode
    if (!modes.includes(mode)) throw new UsageError(`--mode is exclusive, shared or readonly (got '${values.mode}')`, 'mount')
    const ttlMs = values.ttl === undefined ? undefined : Math.round(parseSeconds(values.ttl, '--ttl', 1, 86_400) * 1000)
    const attrTimeout = values['attr-timeout'] === undefined ? undefined : parseSeconds(values['attr-timeout'], '--attr-timeout', 0, 60)
    const uid = values.uid === undefined ? undefined : parseInteger(values.uid, '--uid', 'mount', 0, 0xffff_fffe)
    const gid = values.gid === undefined ? undefined : parseInteger(values.gid, '--gid', 'mount', 0, 0xffff_fffe)

    const fuse = await import('@volumes/fuse')
    const blobs = await blobStoreFromUrl(resolveStoreUrl(values.store, context.io.env, context.io.cwd).url)
    const redisUrl = values.redis ?? (context.io.env.VOLUMES_REDIS_URL || undefined)
    let leases: LeaseManager
    if (redisUrl !== undefined) {
      const { RedisLeaseManager } = await import('@volumes/redis')
      const redis = new RedisLeaseManager({ redis: redisOptionsOf(redisUrl), tokenFloor: new RegistryTokenFloor(blobs) })
      await redis.ready()
      leases = redis
    } else {
      leases = new MemoryLeaseManager()
    }
    const changes = redisUrl === undefined ? undefined : new (await import('@volumes/redis')).RedisChangeFeed({ redis: redisOptionsOf(redisUrl) })
    const stop = stopRequested(context.io)
    try {
      // Writes through the mount publish change events on the same Redis (`volumes watch --redis` sees them).
      const store = new VolumeStore({ blobs, leases, ...(changes ? { changes } : {}) })
      const holderId = values.holder ?? `mount:${hostname()}:${process.pid}`
      const mounted = await fuse.mountVolume(name, context.localPath(mountpoint), {
        store, mode, holderId, ttlMs, uid, gid, attrTimeout,
        cacheDir: values['cache-dir'] === undefined ? undefined : context.localPath(values['cache-dir']),
        log: (line) => context.note(`volumes mount: ${line}`),
      })
      await fuse.writePidFile(mounted.mountpoint)
      context.print(`mounted ${mounted.volume.name} at ${mounted.mountpoint} (${mode}, holder ${holderId}); Ctrl-C or \`volumes unmount ${mounted.mountpoint}\` to unmount`)
      try {
        const why = await stop.stopped
        context.note(`${why}: flushing and unmounting ${mounted.mountpoint}`)
      } finally {
        await mounted.unmount()
        await fuse.removePidFile(mounted.mountpoint)
      }
      context.print(`unmounted ${mounted.mountpoint}`)
    } finally {
      stop.dispose()
      await leases.close()
      await changes?.close()
    }
  },
})
