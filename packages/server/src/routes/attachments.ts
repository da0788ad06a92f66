import { DEFAULT_LEASE_TTL_MS, isVolumeError, VolumeError, type Lease, type LeaseMode } from '@volumes/core'
import { requireApiKey } from '../auth/principal.js'
import type { AttachmentRecord } from '../attachments/records.js'
import { bodyField, defineRoute, json, type AppContext, type ServerDeps, type VolumesApp } from '../context.js'
import { badRequest } from '../errors.js'
import { volumeSegmentOf } from '../paths.js'
import { jsonBody } from '../streaming.js'
import { leaseJson } from './volumes.js'

const modes: ReadonlySet<string> = new Set(['exclusive', 'shared', 'readonly'])

/**
 * Attachments, stateless across processes: leases live in the store's LeaseManager (Redis for
 * several processes), are taken without in-process renewal, and the mount paths are kept in
 * the store (see `AttachmentRecords`). A renewal re-acquires each lease for the same holder:
 * fencing tokens and volume tokens change with it (the old volume tokens keep working while
 * the holder holds the volume).
 */
export function attachmentRoutes(app: VolumesApp, deps: ServerDeps): void {
  const { store, tenancy, tokens, limits, records, held } = deps

  const holderOf = (c: AppContext, op: string): string => {
    const holderId = volumeSegmentOf(c.req.url, op)
    if (holderId.length === 0 || holderId.length > 256) throw badRequest(op, 'InvalidHolder', 'holderId must be 1 to 256 characters')
    return holderId
  }

  /** The response of an attach or renew: one volume token per mount, good while the holder holds the volume. */
  const attachmentJson = (team: string, holderId: string, record: AttachmentRecord, leases: readonly Lease[], names: ReadonlyMap<string, string>): object => {
    const tokenExpiresAt = Date.now() + limits.attachmentTokenTtlSeconds * 1000
    return {
      holderId,
      mode: record.mode,
      mounts: record.mounts.map(({ path, volumeId }) => {
        const lease = leases.find((candidate) => candidate.volumeId === volumeId)!
        const token = tokens.sign({ volumeId, team, readOnly: lease.mode === 'readonly', expiresAt: tokenExpiresAt, holderId: record.holderKey })
        return { path, volumeId, name: names.get(volumeId) ?? volumeId, token, mode: lease.mode, expiresAt: lease.expiresAt.toISOString(), tokenExpiresAt: new Date(tokenExpiresAt).toISOString() }
      }),
    }
  }

  defineRoute(app, deps, {
    method: 'POST',
    path: '/attachments',
    op: 'attach',
    async handler(c, principal) {
      const op = 'attach'
      requireApiKey(principal, op)
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, op)
      const holderId = bodyField(body, 'holderId', 'string', op)
      if (holderId === undefined || holderId.length === 0 || holderId.length > 256) throw badRequest(op, 'InvalidHolder', `'holderId' must be a string of 1 to 256 characters`)
      const mode = bodyField(body, 'mode', 'string', op) ?? 'exclusive'
      if (!modes.has(mode)) throw badRequest(op, 'InvalidMode', `'mode' must be exclusive, shared or readonly`)
      const ttlMs = bodyField(body, 'ttlMs', 'number', op)
      const region = bodyField(body, 'region', 'string', op)
      const mounts = body.mounts
      if (typeof mounts !== 'object' || mounts === null || Array.isArray(mounts) || Object.keys(mounts).length === 0) {
        throw badRequest(op, 'InvalidMounts', `'mounts' must be an object of mount path to volume id, name or { name, sizeGb }`)
      }
      const resolved: Record<string, string> = {}
      const names = new Map<string, string>()
      for (const [path, source] of Object.entries(mounts as Record<string, unknown>)) {
        const volume = await resolveMount(c, principal.team, source, region)
        resolved[path] = volume.volumeId
        names.set(volume.volumeId, volume.name)
      }
      const holderKey = tenancy.holderKey(principal.team, holderId)
      const attachment = await store.attach(holderKey, resolved, { mode: mode as LeaseMode, ttlMs, autoRenew: false, region, signal: c.req.raw.signal })
      const leases = attachment.mounts.map((mount) => mount.lease)
      let record: AttachmentRecord
      try {
        const previous = await records.get(holderKey)
        const stillHeld = new Set((await store.leases.listByHolder(holderKey)).map((lease) => lease.volumeId))
        const kept = (previous?.mounts ?? []).filter((mount) => stillHeld.has(mount.volumeId) && !names.has(mount.volumeId))
        const added = attachment.mounts.map((mount) => ({ path: mount.path, volumeId: mount.volume.volumeId }))
        record = { holderKey, mode: mode as LeaseMode, ttlMs: ttlMs ?? DEFAULT_LEASE_TTL_MS, mounts: [...kept, ...added] }
        await records.put(record)
      } catch (error) {
        await attachment.release().catch(() => undefined)
        throw error
      }
      for (const lease of leases) held.add(lease)
      return json(c, attachmentJson(principal.team, holderId, { ...record, mounts: record.mounts.filter((mount) => names.has(mount.volumeId)) }, leases, names), 201)
    },
  })

  /** A mount's volume: the team's volume by id or name, or `{ name, sizeGb }` created on first use for the team. */
  async function resolveMount(c: AppContext, team: string, source: unknown, region: string | undefined): Promise<{ volumeId: string; name: string }> {
    const principal = { kind: 'key' as const, team }
    if (typeof source === 'string') return tenancy.open(principal, source, 'attach')
    if (typeof source !== 'object' || source === null || typeof (source as { name?: unknown }).name !== 'string') {
      throw badRequest('attach', 'InvalidMountSource', 'a mount names a volume id or name, or { name, sizeGb }')
    }
    const { name, sizeGb } = source as { name: string; sizeGb?: unknown }
    if (sizeGb !== undefined && typeof sizeGb !== 'number') throw badRequest('attach', 'InvalidMountSource', `'sizeGb' must be a number`)
    try {
      return await tenancy.open(principal, name, 'attach')
    } catch (error) {
      if (!isVolumeError(error, 'ENOENT')) throw error
    }
    try {
      return await store.create(tenancy.checkNewName(name, 'attach'), { sizeGb, region, labels: tenancy.labelsForCreate(team, undefined, 'attach') })
    } catch (error) {
      // Created meanwhile by the same team (a concurrent attach): use it; by another team: 409.
      if (isVolumeError(error, 'EEXIST')) return tenancy.open(principal, name, 'attach').catch(() => Promise.reject(error))
      throw error
    }
  }

  defineRoute(app, deps, {
    method: 'POST',
    path: '/attachments/:holderId/renew',
    op: 'renew',
    async handler(c, principal) {
      const op = 'renew'
      requireApiKey(principal, op)
      const holderId = holderOf(c, op)
      const body = await jsonBody(c.req.raw, limits.maxJsonBytes, op)
      const holderKey = tenancy.holderKey(principal.team, holderId)
      const record = await records.get(holderKey)
      const live = await store.leases.listByHolder(holderKey)
      if (!record || record.mounts.length === 0) {
        throw new VolumeError('ENOENT', { op, path: holderId, reason: 'NotAttached', detail: `holder "${holderId}" has no attachment` })
      }
      const lost = record.mounts.filter((mount) => !live.some((lease) => lease.volumeId === mount.volumeId))
      if (lost.length > 0) {
        throw new VolumeError('EBUSY', { op, path: holderId, reason: 'LeaseLost', detail: `the lease of "${holderId}" on ${lost.map((mount) => mount.volumeId).join(', ')} is lost; release and attach again` })
      }
      const ttlMs = bodyField(body, 'ttlMs', 'number', op) ?? record.ttlMs
      const leases: Lease[] = []
      for (const mount of record.mounts) {
        const mode = live.find((lease) => lease.volumeId === mount.volumeId)!.mode
        leases.push(await store.leases.acquire(mount.volumeId, holderKey, { mode, ttlMs, autoRenew: false, signal: c.req.raw.signal }))
      }
      for (const lease of leases) held.add(lease)
      const names = new Map<string, string>()
      for (const mount of record.mounts) names.set(mount.volumeId, (await store.getInfo(mount.volumeId).catch(() => undefined))?.name ?? mount.volumeId)
      return json(c, attachmentJson(principal.team, holderId, { ...record, ttlMs }, leases, names))
    },
  })

  defineRoute(app, deps, {
    method: 'DELETE',
    path: '/attachments/:holderId',
    op: 'release',
    async handler(c, principal) {
      requireApiKey(principal, 'release')
      const holderKey = tenancy.holderKey(principal.team, holderOf(c, 'release'))
      const leases = await store.leases.listByHolder(holderKey)
      await Promise.all(leases.map((lease) => store.leases.forceRelease(lease.volumeId, holderKey, 'released through the API')))
      held.forgetHolder(holderKey)
      await records.delete(holderKey)
      return c.body(null, 204)
    },
  })

  defineRoute(app, deps, {
    method: 'GET',
    path: '/attachments/:holderId',
    op: 'listByHolder',
    async handler(c, principal) {
      requireApiKey(principal, 'listByHolder')
      const holderKey = tenancy.holderKey(principal.team, holderOf(c, 'listByHolder'))
      const [leases, record] = await Promise.all([store.leases.listByHolder(holderKey), records.get(holderKey)])
      const pathOf = (volumeId: string): string | undefined => record?.mounts.find((mount) => mount.volumeId === volumeId)?.path
      return json(c, leases.map((lease) => leaseJson(tenancy, principal.team, lease, pathOf(lease.volumeId))))
    },
  })
}
