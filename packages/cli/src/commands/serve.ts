import { createHmac, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { pathToFileURL } from 'node:url'
import { MemoryLeaseManager, RegistryTokenFloor, VolumeStore, type LeaseManager } from '@volumes/core'
import type { RedisLeaseManagerOptions } from '@volumes/redis'
import { createLogger, startVolumesServer } from '@volumes/server'
import { expectPositionals, parseInteger } from '../args.js'
import { defineCommand } from '../command.js'
import { UsageError } from '../errors.js'
import type { CliIo } from '../io.js'
import { blobStoreFromUrl, resolveStoreUrl } from '../store-from-url.js'

type RedisOptions = Exclude<RedisLeaseManagerOptions['redis'], { evalsha: unknown }>

/** `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS) as ioredis options. */
export function redisOptionsOf(value: string): RedisOptions {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`invalid Redis URL '${value}' (write redis://host:port)`, 'serve')
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UsageError(`a Redis URL starts with redis:// or rediss:// (got '${value}')`, 'serve')
  const db = url.pathname.replace(/^\//, '')
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db ? { db: parseInteger(db, 'the Redis database', 'serve', 0, 1024) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  } as RedisOptions
}

/** The store URL with `--s3-endpoint` / `--gcs-endpoint` applied as its `endpoint` parameter. */
function withEndpoint(url: URL, s3Endpoint: string | undefined, gcsEndpoint: string | undefined): URL {
  const scheme = url.protocol.replace(/:$/, '')
  const endpoint = scheme === 's3' || scheme === 'r2' ? s3Endpoint : scheme === 'gs' ? gcsEndpoint : undefined
  if (endpoint === undefined) return url
  const copy = new URL(url.href)
  copy.searchParams.set('endpoint', endpoint)
  return copy
}

/** Resolves when the process is asked to stop: the CLI's signal (Ctrl-C) or SIGTERM. */
export function stopRequested(io: CliIo): { stopped: Promise<string>; dispose(): void } {
  const controller = new AbortController()
  const onTerm = (): void => controller.abort('SIGTERM')
  process.once('SIGTERM', onTerm)
  const signals = io.signal ? [io.signal, controller.signal] : [controller.signal]
  const signal = AbortSignal.any(signals)
  const stopped = signal.aborted ? Promise.resolve('signal') : once(signal, 'abort').then(() => (controller.signal.aborted ? 'SIGTERM' : 'SIGINT'))
  return { stopped, dispose: () => process.off('SIGTERM', onTerm) }
}

/** `volumes serve`: the HTTP API on the embedded default or on S3, R2, GCS and Redis. */
export const serve = defineCommand({
  name: 'serve',
  group: 'volumes',
  summary: 'Run the HTTP API server',
  usage: '[--port N] [--host HOST] [--data DIR | --store URL] [--redis URL] [--api-key KEY]',
  details: [
    'Starts the HTTP API (docs/http-api.md; GET /openapi.json) until Ctrl-C or SIGTERM, then drains',
    'requests in flight and releases the leases it holds. Embedded default: volumes on the local disk',
    '(--data, else $VOLUMES_HOME or ~/.volumes/data) and leases in memory, no services needed.',
    'Several processes behave as one over one bucket (--store s3://, r2://, gs://) and one Redis',
    '(--redis): give them the same --api-key and --token-secret.',
    '',
    'The first API key comes from --api-key or $VOLUMES_API_KEY; without one a key is generated and',
    'printed. Volumes made by the CLI (no team) belong to that key\'s team.',
    '',
    'Example: volumes serve --port 8787 --store s3://my-bucket/volumes --redis redis://127.0.0.1:6379',
  ],
  options: {
    port: { type: 'string', valueName: 'N', description: 'Port (default: $PORT, else 8787; 0 picks a free one)' },
    host: { type: 'string', valueName: 'HOST', description: 'Interface to listen on (default 127.0.0.1)' },
    data: { type: 'string', valueName: 'DIR', description: 'Local directory for volumes (the embedded default store)' },
    redis: { type: 'string', valueName: 'URL', description: 'Redis for leases shared by several processes (default: $VOLUMES_REDIS_URL, else in memory)' },
    'api-key': { type: 'string', valueName: 'KEY', description: 'The first API key (default: $VOLUMES_API_KEY, else generated and printed)' },
    team: { type: 'string', valueName: 'TEAM', description: 'Team of the first API key (default "default")' },
    'token-secret': { type: 'string', valueName: 'SECRET', description: 'Secret signing volume tokens (default: $VOLUMES_TOKEN_SECRET, else derived from the API key)' },
    's3-endpoint': { type: 'string', valueName: 'URL', description: 'S3 endpoint for s3:// and r2:// stores (MinIO...; default from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)' },
    'gcs-endpoint': { type: 'string', valueName: 'URL', description: 'GCS endpoint for gs:// stores (an emulator; default $STORAGE_EMULATOR_HOST)' },
    'max-file-size': { type: 'string', valueName: 'BYTES', description: 'Largest file a request may write (default 5 GiB)' },
    'drain-timeout': { type: 'string', valueName: 'MS', description: 'Longest wait for requests in flight on shutdown (default 10000)' },
    'e2b-prefix': { type: 'string', valueName: 'PATH', description: 'Where the E2B-compatible Volumes API lives (default /e2b; "off" for none)' },
  },
  async run(context, { values, positionals }) {
    expectPositionals(positionals, 'serve', 0, 0, '')
    const env = context.io.env
    if (values.data !== undefined && values.store !== undefined) throw new UsageError('give --data or --store, not both', 'serve')
    const portText = values.port ?? (env.PORT || undefined)
    const port = portText === undefined ? 8787 : parseInteger(portText, '--port', 'serve', 0, 65535)
    const host = values.host ?? '127.0.0.1'
    const given = values['api-key'] ?? (env.VOLUMES_API_KEY || undefined)
    if (given !== undefined && given.length < 16) throw new UsageError('an API key has at least 16 characters', 'serve')
    const apiKey = given ?? `vk_${randomBytes(24).toString('base64url')}`
    const team = values.team ?? 'default'
    const tokenSecret = values['token-secret'] ?? (env.VOLUMES_TOKEN_SECRET || createHmac('sha256', apiKey).update('volumes token secret').digest('hex'))
    const maxFileBytes = values['max-file-size'] === undefined ? undefined : parseInteger(values['max-file-size'], '--max-file-size', 'serve', 1, Number.MAX_SAFE_INTEGER)
    const drainTimeoutMs = values['drain-timeout'] === undefined ? undefined : parseInteger(values['drain-timeout'], '--drain-timeout', 'serve', 0, 3_600_000)
    const e2bPrefix = values['e2b-prefix'] ?? '/e2b'
    if (e2bPrefix !== 'off' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(e2bPrefix)) throw new UsageError(`--e2b-prefix is a path like /e2b, or off (got '${e2bPrefix}')`, 'serve')

    const storeUrl = values.data !== undefined ? pathToFileURL(context.localPath(values.data)) : resolveStoreUrl(values.store, env, context.io.cwd).url
    const blobs = await blobStoreFromUrl(withEndpoint(storeUrl, values['s3-endpoint'], values['gcs-endpoint']))
    const redisUrl = values.redis ?? (env.VOLUMES_REDIS_URL || undefined)
    let leases: LeaseManager
    if (redisUrl !== undefined) {
      const { RedisLeaseManager } = await import('@volumes/redis')
      const redis = new RedisLeaseManager({ redis: redisOptionsOf(redisUrl), tokenFloor: new RegistryTokenFloor(blobs) })
      await redis.ready()
      leases = redis
    } else {
      leases = new MemoryLeaseManager()
    }
    // Change events on the same Redis, so every server over it (and `volumes watch --redis`) sees every write.
    const changes = redisUrl === undefined ? undefined : new (await import('@volumes/redis')).RedisChangeFeed({ redis: redisOptionsOf(redisUrl) })
    const store = new VolumeStore({ blobs, leases, ...(changes ? { changes } : {}) })
    const server = await startVolumesServer({
      store,
      auth: { apiKeys: [{ key: apiKey, team }], tokenSecret, unownedTeam: team },
      limits: { maxFileBytes },
      e2b: e2bPrefix === 'off' ? false : { prefix: e2bPrefix },
      logger: context.io.stdout === process.stdout ? createLogger() : createLogger({}, context.io.stdout),
      port,
      host,
      drainTimeoutMs,
    })
    const stop = stopRequested(context.io)
    const where = storeUrl.protocol === 'file:' ? `${storeUrl.pathname} (local disk)` : storeUrl.href
    context.print(`volumes server listening on ${server.url}`)
    context.print(`  store:  ${where}`)
    context.print(`  leases: ${redisUrl !== undefined ? `redis ${redisUrl.replace(/\/\/[^@/]*@/, '//***@')}` : 'in memory (one process)'}`)
    context.print(given === undefined ? `  API key (team ${team}, generated): ${apiKey}` : `  API key (team ${team}): from ${values['api-key'] !== undefined ? '--api-key' : 'VOLUMES_API_KEY'}`)
    context.print(`  try:    curl -H "Authorization: Bearer ${given === undefined ? apiKey : '$VOLUMES_API_KEY'}" ${server.url}/volumes`)
    if (e2bPrefix !== 'off') context.print(`  e2b:    E2B_API_URL=${server.url}${e2bPrefix} E2B_VOLUME_API_URL=${server.url}${e2bPrefix} E2B_API_KEY=<the API key>  (the official e2b SDK)`)
    try {
      const why = await stop.stopped
      context.note(`${why}: shutting down (draining ${server.inFlight()} request(s) in flight)`)
      const { drained, releasedLeases } = await server.close()
      context.note(`stopped${drained ? '' : ' (requests cut after the drain timeout)'}; released ${releasedLeases} lease(s)`)
    } finally {
      stop.dispose()
      await leases.close()
      await changes?.close()
    }
  },
})
