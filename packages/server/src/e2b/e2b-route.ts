import { normalisePath } from '@volumes/core'
import type { Principal } from '../auth/principal.js'
import type { AppContext, ServerDeps, VolumesApp } from '../context.js'
import { badRequest } from '../errors.js'
import { decodeOnce, rawPathname } from '../paths.js'
import { contentPrincipal, managementPrincipal } from './e2b-auth.js'
import { e2bErrorResponse, type E2bApiKind } from './e2b-errors.js'

/** One E2B route: method, Hono path (prefix included), operation (as in error messages; logs and metrics say `e2b.<op>`), which half of the API. */
export interface E2bRouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly path: string
  readonly op: string
  readonly kind: E2bApiKind
  handler(c: AppContext, principal: Principal): Promise<Response>
}

/**
 * Registers an E2B route: names it for logs and metrics, authenticates as its half of the
 * API does (management `X-API-KEY`, content `Authorization: Bearer <token>`), and answers
 * every error in E2B's shape (the request log still sees the error).
 */
export function defineE2bRoute(app: VolumesApp, deps: ServerDeps, spec: E2bRouteSpec): void {
  app.on(spec.method, spec.path, async (c) => {
    c.set('op', `e2b.${spec.op}`)
    c.set('route', spec.path)
    try {
      const principal = spec.kind === 'management' ? managementPrincipal(c.req, deps.keys, deps.tokens, spec.op) : contentPrincipal(c.req, deps.keys, deps.tokens, spec.op)
      c.set('principal', principal)
      return await spec.handler(c, principal)
    } catch (error) {
      c.set('error', error)
      const response = e2bErrorResponse(error, spec.kind)
      // An upload refused midway leaves unread body bytes on the connection: Node closes it after
      // the response, and a client that reuses it meanwhile fails ("other side closed"). Say so.
      if (c.req.raw.body !== null) response.headers.set('connection', 'close')
      return response
    }
  })
}

/** The `{volumeID}` segment after `<prefix>/volumes/` or `<prefix>/volumecontent/`, decoded once. */
export function volumeIdOf(c: AppContext, prefix: string, op: string): string {
  const rest = rawPathname(c.req.url).slice(prefix.length).split('/')
  return decodeOnce(rest[2] ?? '', op)
}

/**
 * The `path` query parameter (decoded once by the query parser), normalised by core:
 * `..` above the root, NUL bytes, over-long names are refused. Required.
 */
export function queryPath(c: AppContext, op: string): string {
  const path = c.req.query('path')
  if (path === undefined) throw badRequest(op, 'InvalidQuery', `query parameter 'path' is required`)
  return normalisePath(path, op)
}

/** An optional boolean query parameter: `true`/`false` (as the SDK sends them), else undefined when absent; anything else 400. */
export function queryOptionalFlag(c: AppContext, name: string, op: string): boolean | undefined {
  const value = c.req.query(name)
  if (value === undefined || value === '') return undefined
  if (value === 'true' || value === '1') return true
  if (value === 'false' || value === '0') return false
  throw badRequest(op, 'InvalidQuery', `query parameter '${name}' must be true or false`)
}
