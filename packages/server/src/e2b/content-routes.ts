import { collectBytes, isVolumeError, MAX_LIST_DEPTH, VolumeError, type Volume } from '@volumes/core'
import type { Principal } from '../auth/principal.js'
import { bodyField, json, queryFlag, queryInteger, type AppContext, type ServerDeps, type VolumesApp } from '../context.js'
import { fileBody, fileResponse, jsonBody, tooLarge } from '../streaming.js'
import { defineE2bRoute, queryOptionalFlag, queryPath, volumeIdOf } from './e2b-route.js'
import type { ResolvedE2bOptions } from './options.js'
import { checkE2bAccess } from './write-access.js'

const MAX_ID = 0xffff_fffe

/**
 * E2B's volume content API (`E2B_VOLUME_API_URL`, `Authorization: Bearer <token>`), every
 * route `/volumecontent/{volumeID}/{dir|path|file}?path=...`, each a direct call of the
 * library's `Volume` method: core normalises the path and applies every rule (EISDIR,
 * ENOTDIR, quotas...). `mode` travels in decimal, as the SDK sends numbers.
 */
export function e2bContentRoutes(app: VolumesApp, deps: ServerDeps, options: ResolvedE2bOptions): void {
  const { tenancy, limits, store } = deps
  const base = `${options.prefix}/volumecontent/:volumeID`

  /** The volume (404 unless the principal reaches it), checked for the access wanted, and the `path` query. */
  async function target(c: AppContext, principal: Principal, op: string, write: boolean): Promise<{ volume: Volume; path: string }> {
    const path = queryPath(c, op)
    const volume = await tenancy.open(principal, volumeIdOf(c, options.prefix, op), op)
    c.set('volumeId', volume.volumeId)
    await checkE2bAccess(store.leases, principal, volume, write, op, path)
    return { volume, path }
  }

  const ownership = (c: AppContext, op: string): { mode?: number; uid?: number; gid?: number } => {
    const mode = queryInteger(c, 'mode', op, 0, 0o7777)
    const uid = queryInteger(c, 'uid', op, 0, MAX_ID)
    const gid = queryInteger(c, 'gid', op, 0, MAX_ID)
    return { ...(mode === undefined ? {} : { mode }), ...(uid === undefined ? {} : { uid }), ...(gid === undefined ? {} : { gid }) }
  }

  defineE2bRoute(app, deps, {
    method: 'GET',
    path: `${base}/dir`,
    op: 'list',
    kind: 'content',
    async handler(c, principal) {
      const { volume, path } = await target(c, principal, 'list', false)
      const depth = queryInteger(c, 'depth', 'list', 1, MAX_LIST_DEPTH)
      return json(c, await volume.list(path, { depth, signal: c.req.raw.signal }))
    },
  })

  defineE2bRoute(app, deps, {
    method: 'POST',
    path: `${base}/dir`,
    op: 'mkdir',
    kind: 'content',
    async handler(c, principal) {
      const op = 'mkdir'
      const { volume, path } = await target(c, principal, op, true)
      return json(c, await volume.makeDir(path, { ...ownership(c, op), force: queryFlag(c, 'force', op) }), 201)
    },
  })

  defineE2bRoute(app, deps, {
    method: 'GET',
    path: `${base}/path`,
    op: 'stat',
    kind: 'content',
    async handler(c, principal) {
      const { volume, path } = await target(c, principal, 'stat', false)
      try {
        return json(c, await volume.getInfo(path))
      } catch (error) {
        // A path below a file does not exist (the library's exists() says false): 404, so that the SDK's exists() agrees.
        if (isVolumeError(error, 'ENOTDIR')) throw new VolumeError('ENOENT', { op: 'stat', path, reason: 'NotADirectory', cause: error })
        throw error
      }
    },
  })

  defineE2bRoute(app, deps, {
    method: 'PATCH',
    path: `${base}/path`,
    op: 'updateMetadata',
    kind: 'content',
    async handler(c, principal) {
      const op = 'updateMetadata'
      const { volume, path } = await target(c, principal, op, true)
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, op)
      const mode = bodyField(body, 'mode', 'number', op)
      const uid = bodyField(body, 'uid', 'number', op)
      const gid = bodyField(body, 'gid', 'number', op)
      return json(c, await volume.updateMetadata(path, { ...(mode === undefined ? {} : { mode }), ...(uid === undefined ? {} : { uid }), ...(gid === undefined ? {} : { gid }) }))
    },
  })

  defineE2bRoute(app, deps, {
    method: 'DELETE',
    path: `${base}/path`,
    op: 'rm',
    kind: 'content',
    async handler(c, principal) {
      const op = 'rm'
      const { volume, path } = await target(c, principal, op, true)
      // The SDK documents remove(dir, { recursive: true }) but sends only `path`: a directory goes
      // with everything in it unless the request says recursive=false (then ENOTEMPTY when not empty).
      await volume.remove(path, { recursive: queryOptionalFlag(c, 'recursive', op) ?? true, signal: c.req.raw.signal })
      return c.body(null, 204)
    },
  })

  defineE2bRoute(app, deps, {
    method: 'GET',
    path: `${base}/file`,
    op: 'readFile',
    kind: 'content',
    async handler(c, principal) {
      const { volume, path } = await target(c, principal, 'readFile', false)
      const opened = await volume.open(path)
      c.set('bytesOut', opened.info.size)
      return fileResponse(opened.info, undefined, opened.info.size <= limits.bufferBelowBytes ? await collectBytes(opened.body) : opened.body)
    },
  })

  defineE2bRoute(app, deps, {
    method: 'PUT',
    path: `${base}/file`,
    op: 'writeFile',
    kind: 'content',
    async handler(c, principal) {
      const op = 'writeFile'
      const { volume, path } = await target(c, principal, op, true)
      // writeFile overwrites (the SDK's documented behaviour); an explicit force=false means
      // "do not force an overwrite": an exclusive create, EEXIST when the file exists.
      const exclusive = queryOptionalFlag(c, 'force', op) === false
      const writeOptions = { ...ownership(c, op), exclusive, contentType: c.req.header('content-type'), signal: c.req.raw.signal }
      const body = await fileBody(c.req.raw, limits, op, path)
      try {
        return json(c, await volume.writeFile(path, body.data, writeOptions), 201)
      } catch (error) {
        if (body.exceeded()) throw tooLarge(limits.maxFileBytes, op, path)
        throw error
      } finally {
        c.set('bytesIn', body.received())
      }
    },
  })
}
