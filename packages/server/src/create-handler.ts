import { performance } from 'node:perf_hooks'
import type { VolumeStore } from '@volumes/core'
import { Hono } from 'hono'
import { HeldLeases } from './attachments/held-leases.js'
import { AttachmentRecords } from './attachments/records.js'
import { ApiKeyTable, type ApiKeys } from './auth/api-keys.js'
import { authenticate, requireApiKey } from './auth/principal.js'
import { Tenancy } from './auth/tenancy.js'
import { VolumeTokens } from './auth/volume-tokens.js'
import { defineRoute, type AppEnv, type ServerDeps, type ServerLimits, type VolumesApp } from './context.js'
import { mountE2bRoutes } from './e2b/mount.js'
import { resolveE2bOptions, type E2bOptions } from './e2b/options.js'
import { describeError, errorResponse, HttpError } from './errors.js'
import { createLogger, logRequest, silentLogger, type RequestLogger } from './logging.js'
import { ServerMetrics, type MetricsOptions } from './metrics.js'
import { openApiDocument, type OpenApiDocument } from './openapi.js'
import { rawPathname } from './paths.js'
import { attachmentRoutes } from './routes/attachments.js'
import { fileRoutes } from './routes/files.js'
import { eventRoutes } from './routes/events.js'
import { tokenRoutes } from './routes/tokens.js'
import { snapshotRoutes } from './routes/snapshots.js'
import { volumeRoutes } from './routes/volumes.js'

/** Credentials the server accepts. */
export interface AuthOptions {
  /** API keys (at least 16 characters each) and their teams. */
  readonly apiKeys: ApiKeys
  /**
   * Secret that signs volume tokens (at least 32 bytes). Give every process of one
   * deployment the same secret so that they accept each other's tokens. Default: random
   * per handler (tokens then work only on the process that made them).
   */
  readonly tokenSecret?: string | Uint8Array | undefined
  /** The team that owns volumes without a team label (made by the CLI or library). Default none. */
  readonly unownedTeam?: string | undefined
}

/** Options of {@link createVolumesHandler}. */
export interface VolumesHandlerOptions {
  readonly store: VolumeStore
  readonly auth: AuthOptions
  /** Overrides of {@link defaultLimits}; undefined members keep the default. */
  readonly limits?: { readonly [K in keyof ServerLimits]?: ServerLimits[K] | undefined } | undefined
  /** Where request lines go: a pino logger (default: pino to stdout) or `false` for none. */
  readonly logger?: RequestLogger | false | undefined
  /** Metrics options, or a {@link ServerMetrics} to share; `public: true` serves `/metrics` without credentials. */
  readonly metrics?: (MetricsOptions & { readonly public?: boolean | undefined }) | ServerMetrics | undefined
  /** The E2B-compatible Volumes API (the official `e2b` SDK works against it): where, or `false` for none. Default under `/e2b`. */
  readonly e2b?: E2bOptions | false | undefined
}

/** A request handler over a VolumeStore: mount `fetch` anywhere that speaks `Request`/`Response`. */
export interface VolumesHandler {
  /** The Hono app, to mount under another Hono app (`parent.route('/', handler.app)`). */
  readonly app: VolumesApp
  /** `Request` in, `Response` out: Node via `toNodeListener`, Deno, Bun, workers, tests. */
  readonly fetch: (request: Request) => Promise<Response>
  readonly metrics: ServerMetrics
  readonly openapi: OpenApiDocument
  /** Leases granted through this handler that it still holds (by the local clock). */
  heldLeases(): number
  /** Releases the leases this handler granted and still holds (graceful shutdown); resolves to how many. */
  releaseLeases(): Promise<number>
}

/** The default limits. */
export const defaultLimits: ServerLimits = {
  maxFileBytes: 5 * 1024 ** 3,
  maxJsonBytes: 1024 * 1024,
  bufferBelowBytes: 1024 * 1024,
  maxTokenTtlSeconds: 7 * 24 * 3600,
  defaultTokenTtlSeconds: 3600,
  attachmentTokenTtlSeconds: 24 * 3600,
  volumeCacheMs: 1000,
}

/**
 * Builds the HTTP API over a VolumeStore (routes in docs/http-api.md, the same in the
 * OpenAPI document at `/openapi.json`): API keys per team, volume tokens, JSON errors with
 * the core codes, streamed reads and writes, one log line per request, Prometheus metrics.
 *
 * @example
 * const handler = createVolumesHandler({ store, auth: { apiKeys: { [process.env.KEY!]: 'team-a' }, tokenSecret } })
 * createServer(toNodeListener(handler)).listen(8787, '127.0.0.1')
 */
export function createVolumesHandler(options: VolumesHandlerOptions): VolumesHandler {
  const metrics = options.metrics instanceof ServerMetrics ? options.metrics : new ServerMetrics(options.metrics ?? {})
  const publicMetrics = !(options.metrics instanceof ServerMetrics) && options.metrics?.public === true
  const logger = options.logger === false ? silentLogger : (options.logger ?? createLogger())
  const limits: ServerLimits = { ...defaultLimits, ...stripUndefined(options.limits ?? {}) }
  const deps: ServerDeps = {
    store: options.store,
    tenancy: new Tenancy(options.store, { unownedTeam: options.auth.unownedTeam, cacheMs: limits.volumeCacheMs }),
    keys: new ApiKeyTable(options.auth.apiKeys),
    tokens: new VolumeTokens(options.auth.tokenSecret),
    limits,
    records: new AttachmentRecords(options.store.blobs),
    held: new HeldLeases(),
    metrics,
    publicMetrics,
  }
  const e2b = options.e2b === false ? undefined : resolveE2bOptions(options.e2b ?? {}, limits.maxTokenTtlSeconds)
  const openapi = openApiDocument({ e2bPrefix: e2b?.prefix })
  const app: VolumesApp = new Hono<AppEnv>()

  app.use('*', async (c, next) => {
    const started = performance.now()
    c.set('op', 'unknown')
    c.set('route', 'unmatched')
    c.set('bytesIn', 0)
    c.set('bytesOut', 0)
    await next()
    const seconds = (performance.now() - started) / 1000
    const error = c.get('error')
    const described = error === undefined ? undefined : describeError(error)
    const errorCode = described?.body.error.code
    const record = { method: c.req.method, route: c.get('route'), op: c.get('op'), status: c.res.status, seconds, bytesIn: c.get('bytesIn'), bytesOut: c.get('bytesOut'), errorCode }
    metrics.record(record)
    logRequest(logger, {
      method: record.method,
      route: record.route,
      op: record.op,
      status: record.status,
      bytesIn: record.bytesIn,
      bytesOut: record.bytesOut,
      errorCode,
      ms: Math.round(seconds * 1e4) / 10,
      path: rawPathname(c.req.url).slice(0, 1024),
      team: c.get('principal')?.team,
      volumeId: c.get('volumeId'),
      reason: described?.body.error.reason,
      err: described?.unexpected ? error : undefined,
    })
  })

  volumeRoutes(app, deps)
  tokenRoutes(app, deps)
  fileRoutes(app, deps)
  eventRoutes(app, deps)
  attachmentRoutes(app, deps)
  snapshotRoutes(app, deps)
  defineRoute(app, deps, { method: 'GET', path: '/openapi.json', op: 'openapi', auth: false, handler: async (c) => c.json(openapi) })
  defineRoute(app, deps, { method: 'GET', path: '/healthz', op: 'health', auth: false, handler: async (c) => c.json({ ok: true }) })
  defineRoute(app, deps, {
    method: 'GET',
    path: '/metrics',
    op: 'metrics',
    auth: false,
    async handler(c) {
      if (!deps.publicMetrics) {
        const principal = authenticate(c.req.header('authorization'), deps.keys, deps.tokens, 'metrics')
        c.set('principal', principal)
        requireApiKey(principal, 'metrics')
      }
      const { contentType, text } = await metrics.render()
      return c.body(text, 200, { 'content-type': contentType })
    },
  })
  methodNotAllowed(app)
  if (e2b) mountE2bRoutes(app, deps, e2b)

  app.notFound((c) => {
    const error = new HttpError('ENOENT', `no such route: ${c.req.method} ${rawPathname(c.req.url).slice(0, 200)}`, { op: 'route', reason: 'NoSuchRoute' })
    c.set('error', error)
    return errorResponse(error)
  })
  app.onError((error, c) => {
    c.set('error', error)
    return errorResponse(error)
  })

  return {
    app,
    fetch: async (request) => app.fetch(request),
    metrics,
    openapi,
    heldLeases: () => deps.held.size,
    releaseLeases: () => deps.held.releaseAll(options.store.leases),
  }
}

/** Answers 405 (with `Allow`) on every registered path for the methods it does not have. */
function methodNotAllowed(app: VolumesApp): void {
  const methods = new Map<string, Set<string>>()
  for (const route of app.routes) {
    if (route.method === 'ALL') continue
    const set = methods.get(route.path) ?? new Set<string>()
    set.add(route.method)
    if (route.method === 'GET') set.add('HEAD')
    methods.set(route.path, set)
  }
  for (const [path, allowed] of methods) {
    const allow = [...allowed].join(', ')
    app.all(path, (c) => {
      c.set('route', path)
      const error = new HttpError('EMETHOD', `method ${c.req.method} not allowed on ${path} (allowed: ${allow})`, { op: 'route', reason: 'MethodNotAllowed', headers: { allow } })
      c.set('error', error)
      return errorResponse(error)
    })
  }
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> }
}
