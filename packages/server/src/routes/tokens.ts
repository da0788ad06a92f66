import { requireApiKey } from '../auth/principal.js'
import { bodyField, defineRoute, json, type ServerDeps, type VolumesApp } from '../context.js'
import { badRequest } from '../errors.js'
import { volumeSegmentOf } from '../paths.js'
import { jsonBody } from '../streaming.js'

/** Volume tokens: `POST /volumes/{volume}/tokens` makes one, for handing to a sandbox. */
export function tokenRoutes(app: VolumesApp, deps: ServerDeps): void {
  const { tenancy, tokens, limits } = deps

  defineRoute(app, deps, {
    method: 'POST',
    path: '/volumes/:volume/tokens',
    op: 'createToken',
    async handler(c, principal) {
      const op = 'createToken'
      requireApiKey(principal, op)
      const volume = await tenancy.open(principal, volumeSegmentOf(c.req.url, op), op)
      c.set('volumeId', volume.volumeId)
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, op)
      const readOnly = bodyField(body, 'readOnly', 'boolean', op) ?? false
      const ttlSeconds = bodyField(body, 'ttlSeconds', 'number', op) ?? limits.defaultTokenTtlSeconds
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > limits.maxTokenTtlSeconds) {
        throw badRequest(op, 'InvalidTtl', `ttlSeconds must be an integer from 1 to ${limits.maxTokenTtlSeconds}`)
      }
      const expiresAt = Date.now() + ttlSeconds * 1000
      const token = tokens.sign({ volumeId: volume.volumeId, team: principal.team, readOnly, expiresAt })
      return json(c, { token, expiresAt: new Date(expiresAt).toISOString(), volumeId: volume.volumeId, readOnly }, 201)
    },
  })
}
