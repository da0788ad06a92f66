import { notFound } from '../auth/tenancy.js'
import { json, type ServerDeps, type VolumesApp } from '../context.js'
import { jsonBody } from '../streaming.js'
import { volumeAndToken } from './e2b-auth.js'
import { defineE2bRoute, volumeIdOf } from './e2b-route.js'
import type { ResolvedE2bOptions } from './options.js'

/**
 * E2B's management API (`E2B_API_URL`, `X-API-KEY`): create, list, get (with a token) and
 * destroy volumes of the key's team. Another team's volume is a missing one (404).
 */
export function e2bVolumeRoutes(app: VolumesApp, deps: ServerDeps, options: ResolvedE2bOptions): void {
  const { store, tenancy, tokens, limits } = deps
  const { prefix, tokenTtlSeconds } = options

  defineE2bRoute(app, deps, {
    method: 'POST',
    path: `${prefix}/volumes`,
    op: 'create',
    kind: 'management',
    async handler(c, principal) {
      const op = 'create'
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, op)
      const volume = await store.create(tenancy.checkNewName(body.name, op), { labels: tenancy.labelsForCreate(principal.team, undefined, op) })
      c.set('volumeId', volume.volumeId)
      return json(c, volumeAndToken(volume, principal.team, tokens, tokenTtlSeconds), 201)
    },
  })

  defineE2bRoute(app, deps, {
    method: 'GET',
    path: `${prefix}/volumes`,
    op: 'list',
    kind: 'management',
    async handler(c, principal) {
      const volumes = await tenancy.list(principal.team, c.req.raw.signal)
      return json(c, volumes.map((info) => ({ volumeID: info.volumeId, name: info.name })))
    },
  })

  defineE2bRoute(app, deps, {
    method: 'GET',
    path: `${prefix}/volumes/:volumeID`,
    op: 'getInfo',
    kind: 'management',
    async handler(c, principal) {
      const volume = await tenancy.open(principal, volumeIdOf(c, prefix, 'getInfo'), 'getInfo')
      c.set('volumeId', volume.volumeId)
      return json(c, volumeAndToken(volume, principal.team, tokens, tokenTtlSeconds))
    },
  })

  defineE2bRoute(app, deps, {
    method: 'DELETE',
    path: `${prefix}/volumes/:volumeID`,
    op: 'destroy',
    kind: 'management',
    async handler(c, principal) {
      const op = 'destroy'
      const volume = await tenancy.open(principal, volumeIdOf(c, prefix, op), op)
      c.set('volumeId', volume.volumeId)
      tenancy.forget(volume.volumeId)
      const destroyed = await store.destroy(volume.volumeId, { signal: c.req.raw.signal })
      tenancy.forget(volume.volumeId)
      if (!destroyed) throw notFound(volume.volumeId, op)
      return c.body(null, 204)
    },
  })
}
