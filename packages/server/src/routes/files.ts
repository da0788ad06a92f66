import { MAX_LIST_DEPTH, type Volume } from '@volumes/core'
import { checkAccess } from '../auth/access.js'
import type { Principal } from '../auth/principal.js'
import { bodyField, defineRoute, json, queryFlag, queryInteger, type AppContext, type ServerDeps, type VolumesApp } from '../context.js'
import { badRequest } from '../errors.js'
import { bodyPath, volumePathOf, volumeSegmentOf } from '../paths.js'
import { bodyStalled, DEFAULT_BODY_IDLE_TIMEOUT_MS } from '../idle-read.js'
import { fileBody, jsonBody, tooLarge } from '../streaming.js'
import { serveFileRead } from './file-read.js'

const MAX_ID = 0xffff_fffe

/** Files: read (streamed, ranges), write (streamed, limited), stat, list, mkdir, remove, metadata, rename, copy. */
export function fileRoutes(app: VolumesApp, deps: ServerDeps): void {
  const { tenancy, limits, store } = deps

  /** The volume (404 unless the principal reaches it) and the path after `/{kind}/` (400 unless core accepts it). */
  async function target(c: AppContext, principal: Principal, op: string, write: boolean): Promise<{ volume: Volume; path: string }> {
    const path = volumePathOf(c.req.url, 3, op)
    const volume = await tenancy.open(principal, volumeSegmentOf(c.req.url, op), op)
    c.set('volumeId', volume.volumeId)
    await checkAccess(store.leases, principal, volume, write, op, path)
    return { volume, path }
  }

  /** The volume for a route whose paths travel in the JSON body. */
  async function volumeOf(c: AppContext, principal: Principal, op: string): Promise<Volume> {
    const volume = await tenancy.open(principal, volumeSegmentOf(c.req.url, op), op)
    c.set('volumeId', volume.volumeId)
    await checkAccess(store.leases, principal, volume, true, op, '/')
    return volume
  }

  const ownership = (body: Record<string, unknown>, op: string): { mode?: number; uid?: number; gid?: number } => {
    const mode = bodyField(body, 'mode', 'number', op)
    const uid = bodyField(body, 'uid', 'number', op)
    const gid = bodyField(body, 'gid', 'number', op)
    return { ...(mode === undefined ? {} : { mode }), ...(uid === undefined ? {} : { uid }), ...(gid === undefined ? {} : { gid }) }
  }

  defineRoute(app, deps, {
    method: 'GET',
    path: '/volumes/:volume/files/*',
    op: 'readFile',
    async handler(c, principal) {
      const op = 'readFile'
      const { volume, path } = await target(c, principal, op, false)
      // No request signal here: reading it makes @hono/node-server build a full Request (tens of µs);
      // a client that goes away cancels the response stream, which closes the file.
      return serveFileRead(c, volume, path, limits.bufferBelowBytes)
    },
  })

  defineRoute(app, deps, {
    method: 'PUT',
    path: '/volumes/:volume/files/*',
    op: 'writeFile',
    async handler(c, principal) {
      const op = 'writeFile'
      const { volume, path } = await target(c, principal, op, true)
      const mtimeText = c.req.query('mtime')
      const mtime = mtimeText === undefined ? undefined : new Date(mtimeText)
      if (mtime !== undefined && Number.isNaN(mtime.getTime())) throw badRequest(op, 'InvalidQuery', `query parameter 'mtime' must be an ISO 8601 time`)
      const options = {
        mode: queryInteger(c, 'mode', op, 0, 0o7777, 8),
        uid: queryInteger(c, 'uid', op, 0, MAX_ID),
        gid: queryInteger(c, 'gid', op, 0, MAX_ID),
        exclusive: queryFlag(c, 'exclusive', op),
        mtime,
        contentType: c.req.header('content-type'),
        signal: c.req.raw.signal,
      }
      const body = await fileBody(c.req.raw, limits, op, path)
      try {
        const info = await volume.writeFile(path, body.data, options)
        return json(c, info, 201)
      } catch (error) {
        if (body.exceeded()) throw tooLarge(limits.maxFileBytes, op, path)
        if (body.stalled()) throw bodyStalled(limits.bodyIdleTimeoutMs ?? DEFAULT_BODY_IDLE_TIMEOUT_MS, op, path)
        throw error
      } finally {
        c.set('bytesIn', body.received())
      }
    },
  })

  defineRoute(app, deps, {
    method: 'DELETE',
    path: '/volumes/:volume/files/*',
    op: 'rm',
    async handler(c, principal) {
      const { volume, path } = await target(c, principal, 'rm', true)
      await volume.remove(path, { recursive: queryFlag(c, 'recursive', 'rm'), force: queryFlag(c, 'force', 'rm'), signal: c.req.raw.signal })
      return c.body(null, 204)
    },
  })

  defineRoute(app, deps, {
    method: 'PATCH',
    path: '/volumes/:volume/files/*',
    op: 'updateMetadata',
    async handler(c, principal) {
      const { volume, path } = await target(c, principal, 'updateMetadata', true)
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, 'updateMetadata', limits.bodyIdleTimeoutMs)
      return json(c, await volume.updateMetadata(path, ownership(body, 'updateMetadata')))
    },
  })

  defineRoute(app, deps, {
    method: 'GET',
    path: '/volumes/:volume/stat/*',
    op: 'stat',
    async handler(c, principal) {
      const { volume, path } = await target(c, principal, 'stat', false)
      return json(c, await volume.getInfo(path))
    },
  })

  defineRoute(app, deps, {
    method: 'GET',
    path: '/volumes/:volume/list/*',
    op: 'list',
    async handler(c, principal) {
      const { volume, path } = await target(c, principal, 'list', false)
      const depth = queryInteger(c, 'depth', 'list', 1, MAX_LIST_DEPTH)
      return json(c, await volume.list(path, { depth, signal: c.req.raw.signal }))
    },
  })

  defineRoute(app, deps, {
    method: 'POST',
    path: '/volumes/:volume/dirs/*',
    op: 'mkdir',
    async handler(c, principal) {
      const { volume, path } = await target(c, principal, 'mkdir', true)
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, 'mkdir', limits.bodyIdleTimeoutMs)
      return json(c, await volume.makeDir(path, { ...ownership(body, 'mkdir'), force: bodyField(body, 'force', 'boolean', 'mkdir') }), 201)
    },
  })

  defineRoute(app, deps, {
    method: 'POST',
    path: '/volumes/:volume/rename',
    op: 'rename',
    async handler(c, principal) {
      const volume = await volumeOf(c, principal, 'rename')
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, 'rename', limits.bodyIdleTimeoutMs)
      const from = bodyPath(body.from, 'from', 'rename')
      const to = bodyPath(body.to, 'to', 'rename')
      return json(c, await volume.rename(from, to, { signal: c.req.raw.signal }))
    },
  })

  defineRoute(app, deps, {
    method: 'POST',
    path: '/volumes/:volume/copy',
    op: 'copy',
    async handler(c, principal) {
      const volume = await volumeOf(c, principal, 'copy')
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, 'copy', limits.bodyIdleTimeoutMs)
      const from = bodyPath(body.from, 'from', 'copy')
      const to = bodyPath(body.to, 'to', 'copy')
      return json(c, await volume.copy(from, to, { recursive: bodyField(body, 'recursive', 'boolean', 'copy'), signal: c.req.raw.signal }))
    },
  })
}
