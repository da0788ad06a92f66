import type { ServerDeps, VolumesApp } from '../context.js'
import { HttpError } from '../errors.js'
import { rawPathname } from '../paths.js'
import { e2bContentRoutes } from './content-routes.js'
import { e2bErrorResponse } from './e2b-errors.js'
import type { ResolvedE2bOptions } from './options.js'
import { e2bVolumeRoutes } from './volume-routes.js'

/**
 * Mounts E2B's Volumes wire protocol under `options.prefix` (default `/e2b`), so that the
 * official `e2b` SDK works unchanged with `E2B_API_URL` and `E2B_VOLUME_API_URL` set to the
 * server's URL plus the prefix, and `E2B_API_KEY` one of the server's API keys. Same teams,
 * tokens, limits and core rules as the server's own routes (docs/http-api.md, "E2B").
 * Any other path under the prefix is 404 (405 for a known path), in E2B's error shape.
 */
export function mountE2bRoutes(app: VolumesApp, deps: ServerDeps, resolved: ResolvedE2bOptions): void {
  const before = new Set(app.routes)
  e2bVolumeRoutes(app, deps, resolved)
  e2bContentRoutes(app, deps, resolved)
  const methods = new Map<string, string[]>()
  for (const route of app.routes) if (!before.has(route)) methods.set(route.path, [...(methods.get(route.path) ?? []), route.method])
  for (const [path, allowed] of methods) {
    const allow = allowed.join(', ')
    app.all(path, (c) => {
      c.set('route', path)
      const error = new HttpError('EMETHOD', `method ${c.req.method} not allowed on ${path} (allowed: ${allow})`, { op: 'route', reason: 'MethodNotAllowed', headers: { allow } })
      c.set('error', error)
      return e2bErrorResponse(error, path.includes('/volumecontent/') ? 'content' : 'management')
    })
  }
  app.all(`${resolved.prefix}/*`, (c) => {
    const path = rawPathname(c.req.url)
    const error = new HttpError('ENOENT', `no such route: ${c.req.method} ${path.slice(0, 200)}`, { op: 'route', reason: 'NoSuchRoute' })
    c.set('error', error)
    return e2bErrorResponse(error, path.startsWith(`${resolved.prefix}/volumecontent/`) ? 'content' : 'management')
  })
}
