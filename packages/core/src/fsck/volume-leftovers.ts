import type { BlobStore } from '../blob/blob-store.js'
import { isRemovalClaim, REMOVAL_CLAIM_KEY, REMOVAL_CLAIM_TTL_MS } from '../blob/removal-claims.js'
import { VOLUME_ID_PATTERN, VolumeRegistry } from '../registry/volume-registry.js'
import { mapConcurrent } from '../util/map-concurrent.js'
import type { FsckFinding } from './findings.js'

const RENAMES = '.registry/renames/'

/**
 * What interrupted operations leave behind in a store:
 * - `orphaned-volume-data`: objects under `vol-…/` of a volume the registry does not know
 *   (a destroy that stopped before its sweep, or a write from another process that landed
 *   after it). Reported with the object count; not repaired (deleting data is a person's call).
 * - `unfinished-rename`: a directory rename recorded as started and never finished; calling
 *   the same rename again completes it. Reported, not repaired.
 */
export async function* storeLeftovers(blobs: BlobStore, signal?: AbortSignal): AsyncGenerator<{ findings: FsckFinding[]; objects: number }> {
  const registry = new VolumeRegistry(blobs)
  let cursor: string | undefined
  do {
    const page = await blobs.list('', { delimiter: '/', cursor, signal })
    const volumes = page.prefixes.filter((prefix) => VOLUME_ID_PATTERN.test(prefix.slice(0, -1)))
    const owners = await mapConcurrent(volumes, 16, (prefix) => registry.byId(prefix.slice(0, -1)), signal)
    const orphans = volumes.filter((_, index) => !owners[index])
    const findings = await mapConcurrent(orphans, 4, async (prefix): Promise<FsckFinding> => {
      const first = await blobs.list(prefix, { limit: 1000, signal })
      const count = `${first.objects.length}${first.cursor ? '+' : ''}`
      return { kind: 'orphaned-volume-data', key: prefix, path: '', detail: `${count} object(s) of volume ${prefix.slice(0, -1)}, which the registry does not know` }
    }, signal)
    yield { findings, objects: page.objects.length + page.prefixes.length }
    cursor = page.cursor
  } while (cursor)
  yield* unfinishedRenames(blobs, RENAMES, signal)
}

/** Unfinished directory renames of one volume (or of all, with the bare prefix). */
export async function* unfinishedRenames(blobs: BlobStore, prefix: string, signal?: AbortSignal): AsyncGenerator<{ findings: FsckFinding[]; objects: number }> {
  let cursor: string | undefined
  do {
    const page = await blobs.list(prefix, { cursor, signal })
    const findings = await mapConcurrent(page.objects, 8, async (object): Promise<FsckFinding> => {
      const { from, to } = await readIntent(blobs, object.key, signal)
      return { kind: 'unfinished-rename', key: object.key, path: from, detail: `a rename of '${from}' to '${to}' started ${object.lastModified.toISOString()} and did not finish: call it again to complete it` }
    }, signal)
    yield { findings, objects: page.objects.length }
    cursor = page.cursor
  } while (cursor)
}

/**
 * Removal claims (see `removal-claims.ts`) older than their TTL under `prefix`: a remover that
 * stopped between its claim and its delete. Its file is already gone for the library; other
 * tools see an empty file. Repair: delete the claim.
 */
export async function* staleRemovalClaims(blobs: BlobStore, prefix: string, signal?: AbortSignal): AsyncGenerator<{ findings: FsckFinding[]; objects: number }> {
  const now = Date.now()
  let cursor: string | undefined
  do {
    const page = await blobs.list(prefix, { cursor, signal })
    const findings = page.objects
      .filter((object) => isRemovalClaim(object) && now - Number(object.metadata?.[REMOVAL_CLAIM_KEY]) > REMOVAL_CLAIM_TTL_MS)
      .map((object): FsckFinding => ({
        kind: 'stale-removal-claim',
        key: object.key,
        path: `/${object.key.slice(prefix.length)}`,
        detail: 'a remove that stopped half-way: the file is removed for volumes, an empty object for other tools',
        repair: { type: 'delete', key: object.key },
      }))
    yield { findings, objects: page.objects.length }
    cursor = page.cursor
  } while (cursor)
}

async function readIntent(blobs: BlobStore, key: string, signal?: AbortSignal): Promise<{ from: string; to: string }> {
  try {
    const { body } = await blobs.get(key, { signal })
    const chunks: Buffer[] = []
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array))
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { from?: unknown; to?: unknown }
    return { from: String(value.from ?? '?'), to: String(value.to ?? '?') }
  } catch {
    return { from: '?', to: '?' }
  }
}
