import type { LeaseInfo } from '@volumes/core'
import { requireApiKey } from '../auth/principal.js'
import { notFound, publicInfo, type Tenancy } from '../auth/tenancy.js'
import { bodyField, defineRoute, json, queryFlag, type ServerDeps, type VolumesApp } from '../context.js'
import { volumeSegmentOf } from '../paths.js'
import { jsonBody } from '../streaming.js'

/** A lease as JSON: the holder id as the team gave it, `expiresAt` as an ISO string. */
export function leaseJson(tenancy: Tenancy, team: string, lease: LeaseInfo, path?: string): Record<string, unknown> {
  return {
    volumeId: lease.volumeId,
    holderId: tenancy.holderOf(team, lease.holderId),
    mode: lease.mode,
    token: lease.token,
    expiresAt: lease.expiresAt.toISOString(),
    ...(path === undefined ? {} : { path }),
  }
}

/** Volumes: create, list, get, destroy, and the leases on one. */
export function volumeRoutes(app: VolumesApp, deps: ServerDeps): void {
  const { store, tenancy, limits } = deps

  defineRoute(app, deps, {
    method: 'POST',
    path: '/volumes',
    op: 'create',
    async handler(c, principal) {
      requireApiKey(principal, 'create')
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, 'create')
      const volume = await store.create(tenancy.checkNewName(body.name, 'create'), {
        sizeGb: bodyField(body, 'sizeGb', 'number', 'create'),
        region: bodyField(body, 'region', 'string', 'create'),
        labels: tenancy.labelsForCreate(principal.team, body.labels, 'create'),
      })
      c.set('volumeId', volume.volumeId)
      return json(c, publicInfo(volume.info), 201)
    },
  })

  defineRoute(app, deps, {
    method: 'GET',
    path: '/volumes',
    op: 'list',
    async handler(c, principal) {
      requireApiKey(principal, 'list')
      return json(c, (await tenancy.list(principal.team, c.req.raw.signal)).map(publicInfo))
    },
  })

  defineRoute(app, deps, {
    method: 'GET',
    path: '/volumes/:volume',
    op: 'getInfo',
    async handler(c, principal) {
      const volume = await tenancy.open(principal, volumeSegmentOf(c.req.url, 'getInfo'), 'getInfo')
      c.set('volumeId', volume.volumeId)
      return json(c, publicInfo(volume.info))
    },
  })

  defineRoute(app, deps, {
    method: 'DELETE',
    path: '/volumes/:volume',
    op: 'destroy',
    async handler(c, principal) {
      requireApiKey(principal, 'destroy')
      const force = queryFlag(c, 'force', 'destroy')
      const volume = await tenancy.open(principal, volumeSegmentOf(c.req.url, 'destroy'), 'destroy')
      c.set('volumeId', volume.volumeId)
      tenancy.forget(volume.volumeId)
      const destroyed = await store.destroy(volume.volumeId, { force, signal: c.req.raw.signal })
      tenancy.forget(volume.volumeId)
      if (!destroyed) throw notFound(volume.volumeId, 'destroy')
      return c.body(null, 204)
    },
  })

  defineRoute(app, deps, {
    method: 'GET',
    path: '/volumes/:volume/attachments',
    op: 'listAttachments',
    async handler(c, principal) {
      requireApiKey(principal, 'listAttachments')
      const volume = await tenancy.open(principal, volumeSegmentOf(c.req.url, 'listAttachments'), 'listAttachments')
      c.set('volumeId', volume.volumeId)
      const leases = await store.leases.listAttachments(volume.volumeId)
      return json(c, leases.map((lease) => leaseJson(tenancy, principal.team, lease)))
    },
  })
}
