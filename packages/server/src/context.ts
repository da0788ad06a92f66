import type { VolumeStore } from '@volumes/core'
import type { Context, Hono } from 'hono'
import type { HeldLeases } from './attachments/held-leases.js'
import type { AttachmentRecords } from './attachments/records.js'
import type { ApiKeyTable } from './auth/api-keys.js'
import { authenticate, type Principal } from './auth/principal.js'
import type { Tenancy } from './auth/tenancy.js'
import type { VolumeTokens } from './auth/volume-tokens.js'
import { badRequest } from './errors.js'
import type { ServerMetrics } from './metrics.js'
import type { BodyLimits } from './streaming.js'

/** Limits of the server, every one with a default (see `createVolumesHandler`). */
export interface ServerLimits extends BodyLimits {
  /** Longest lifetime of a volume token made by `POST /volumes/{volume}/tokens`. */
  readonly maxTokenTtlSeconds: number
  /** Lifetime of a token made by `POST /volumes/{volume}/tokens` without `ttlSeconds`. */
  readonly defaultTokenTtlSeconds: number
  /** Lifetime of the tokens an attach hands out (they also stop working when the lease ends). */
  readonly attachmentTokenTtlSeconds: number
  /** Reuse of opened volume handles, in ms (see `TenancyOptions.cacheMs`). */
  readonly volumeCacheMs: number
}

/** What every route works with. */
export interface ServerDeps {
  readonly store: VolumeStore
  readonly tenancy: Tenancy
  readonly keys: ApiKeyTable
  readonly tokens: VolumeTokens
  readonly limits: ServerLimits
  readonly records: AttachmentRecords
  readonly held: HeldLeases
  readonly metrics: ServerMetrics
  /** Whether `GET /metrics` is served without credentials. */
  readonly publicMetrics: boolean
}

/** Per-request values the routes leave for the request log and the metrics. */
export interface AppVariables {
  op: string
  route: string
  principal: Principal | undefined
  volumeId: string | undefined
  bytesIn: number
  bytesOut: number
  /** The error a handler threw, for the request log. */
  error: unknown
}

/** The Hono environment of the server's app. */
export interface AppEnv {
  Variables: AppVariables
}

/** The server's Hono app. */
export type VolumesApp = Hono<AppEnv>

/** The request context routes receive. */
export type AppContext = Context<AppEnv>

/** One route: method, Hono path, operation name, and whether it needs credentials. */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly path: string
  readonly op: string
  /** Default true. */
  readonly auth?: boolean
  handler(c: AppContext, principal: Principal): Promise<Response>
}

/** Registers a route: names its operation for logs and metrics, then authenticates (401) before the handler. */
export function defineRoute(app: VolumesApp, deps: ServerDeps, spec: RouteSpec): void {
  app.on(spec.method, spec.path, async (c) => {
    c.set('op', spec.op)
    c.set('route', spec.path)
    const principal = spec.auth === false ? { kind: 'key' as const, team: '' } : authenticate(c.req.header('authorization'), deps.keys, deps.tokens, spec.op)
    if (spec.auth !== false) c.set('principal', principal)
    return spec.handler(c, principal)
  })
}

/** A boolean query parameter: `true`/`1` or `false`/`0`/empty; absent is false; anything else 400. */
export function queryFlag(c: AppContext, name: string, op: string): boolean {
  const value = c.req.query(name)
  if (value === undefined || value === '' || value === 'false' || value === '0') return false
  if (value === 'true' || value === '1') return true
  throw badRequest(op, 'InvalidQuery', `query parameter '${name}' must be true or false`)
}

/** An integer query parameter in `[min, max]`, or undefined when absent; anything else 400. */
export function queryInteger(c: AppContext, name: string, op: string, min: number, max: number, radix: 8 | 10 = 10): number | undefined {
  const value = c.req.query(name)
  if (value === undefined || value === '') return undefined
  const pattern = radix === 8 ? /^[0-7]{1,6}$/ : /^\d{1,10}$/
  const number = pattern.test(value) ? Number.parseInt(value, radix) : Number.NaN
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw badRequest(op, 'InvalidQuery', `query parameter '${name}' must be ${radix === 8 ? 'an octal' : 'an'} integer from ${min.toString(radix)} to ${max.toString(radix)}`)
  }
  return number
}

/** A JSON response with `cache-control: no-store`. */
export function json(c: AppContext, body: unknown, status: 200 | 201 = 200): Response {
  return c.json(body as object, status, { 'cache-control': 'no-store' })
}

interface FieldTypes {
  boolean: boolean
  number: number
  string: string
}

/** An optional field of a JSON body, of one type (null counts as absent); any other type is 400. */
export function bodyField<K extends keyof FieldTypes>(body: Record<string, unknown>, name: string, type: K, op: string): FieldTypes[K] | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== type) throw badRequest(op, 'InvalidBody', `'${name}' must be a ${type}`)
  return value as FieldTypes[K]
}
