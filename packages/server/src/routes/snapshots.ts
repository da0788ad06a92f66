import { VolumeError, type SnapshotInfo } from '@volumes/core'
import { requireApiKey, type Principal } from '../auth/principal.js'
import { publicInfo, TEAM_LABEL } from '../auth/tenancy.js'
import { bodyField, defineRoute, json, type AppContext, type ServerDeps, type VolumesApp } from '../context.js'
import { volumeSegmentOf } from '../paths.js'
import { jsonBody } from '../streaming.js'

/** A snapshot as JSON for the API, without the reserved label. */
function publicSnapshot(info: SnapshotInfo): Record<string, unknown> {
  const { [TEAM_LABEL]: _team, ...labels } = info.labels
  return { snapshotId: info.snapshotId, volumeId: info.volumeId, name: info.name ?? null, createdAt: info.createdAt.toISOString(), files: info.files, bytes: info.bytes, labels }
}

/**
 * Snapshots: `POST|GET /volumes/{volume}/snapshots`, `GET|DELETE /snapshots/{id}`,
 * `POST /snapshots/{id}/fork`, `POST /volumes/{volume}/restore`. A snapshot belongs to the
 * team of the volume it was taken of (a reserved label); other teams get 404.
 */
export function snapshotRoutes(app: VolumesApp, deps: ServerDeps): void {
  const { store, tenancy, limits } = deps

  const teamSnapshot = async (c: AppContext, principal: Principal, op: string): Promise<SnapshotInfo> => {
    requireApiKey(principal, op)
    const id = c.req.param('snapshot') ?? ''
    const info = await store.getSnapshot(id)
    if (info.labels[TEAM_LABEL] !== principal.team) {
      throw new VolumeError('ENOENT', { op, path: id.slice(0, 64), reason: 'SnapshotNotFound', detail: `Snapshot "${id.slice(0, 64)}" not found` })
    }
    return info
  }

  defineRoute(app, deps, {
    method: 'POST', path: '/volumes/:volume/snapshots', op: 'createSnapshot',
    async handler(c, principal) {
      const op = 'createSnapshot'
      requireApiKey(principal, op)
      const volume = await tenancy.open(principal, volumeSegmentOf(c.req.url, op), op)
      c.set('volumeId', volume.volumeId)
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, op)
      const info = await volume.snapshot({
        name: bodyField(body, 'name', 'string', op),
        labels: tenancy.labelsForCreate(principal.team, body.labels, op),
        signal: c.req.raw.signal,
      })
      return json(c, publicSnapshot(info), 201)
    },
  })

  defineRoute(app, deps, {
    method: 'GET', path: '/volumes/:volume/snapshots', op: 'listSnapshots',
    async handler(c, principal) {
      const op = 'listSnapshots'
      requireApiKey(principal, op)
      const volume = await tenancy.open(principal, volumeSegmentOf(c.req.url, op), op)
      c.set('volumeId', volume.volumeId)
      return json(c, (await store.listSnapshots(volume.volumeId, { signal: c.req.raw.signal })).map(publicSnapshot))
    },
  })

  defineRoute(app, deps, {
    method: 'GET', path: '/snapshots/:snapshot', op: 'getSnapshot',
    async handler(c, principal) {
      return json(c, publicSnapshot(await teamSnapshot(c, principal, 'getSnapshot')))
    },
  })

  defineRoute(app, deps, {
    method: 'DELETE', path: '/snapshots/:snapshot', op: 'deleteSnapshot',
    async handler(c, principal) {
      const info = await teamSnapshot(c, principal, 'deleteSnapshot')
      await store.deleteSnapshot(info.snapshotId, { signal: c.req.raw.signal })
      return c.body(null, 204)
    },
  })

  defineRoute(app, deps, {
    method: 'POST', path: '/snapshots/:snapshot/fork', op: 'fork',
    async handler(c, principal) {
      const op = 'fork'
      const snapshot = await teamSnapshot(c, principal, op)
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, op)
      const volume = await store.fork(snapshot.snapshotId, tenancy.checkNewName(body.name, op), {
        sizeGb: bodyField(body, 'sizeGb', 'number', op),
        ...(body.labels === undefined ? {} : { labels: tenancy.labelsForCreate(principal.team, body.labels, op) }),
        signal: c.req.raw.signal,
      })
      c.set('volumeId', volume.volumeId)
      return json(c, publicInfo(volume.info), 201)
    },
  })

  defineRoute(app, deps, {
    method: 'POST', path: '/volumes/:volume/restore', op: 'restore',
    async handler(c, principal) {
      const op = 'restore'
      requireApiKey(principal, op)
      const volume = await tenancy.open(principal, volumeSegmentOf(c.req.url, op), op)
      c.set('volumeId', volume.volumeId)
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, op)
      const snapshotId = bodyField(body, 'snapshotId', 'string', op) ?? ''
      const holderId = bodyField(body, 'holderId', 'string', op)
      const snapshot = await store.getSnapshot(snapshotId)
      if (snapshot.labels[TEAM_LABEL] !== principal.team) throw new VolumeError('ENOENT', { op, path: snapshotId.slice(0, 64), reason: 'SnapshotNotFound', detail: `Snapshot "${snapshotId.slice(0, 64)}" not found` })
      const info = await volume.restore(snapshotId, { signal: c.req.raw.signal, ...(holderId === undefined ? {} : { holderId: tenancy.holderKey(principal.team, holderId) }) })
      tenancy.forget(volume.volumeId)
      return json(c, publicSnapshot(info))
    },
  })
}
