import type { BlobStore } from '../blob/blob-store.js'
import { VolumeRegistry } from '../registry/volume-registry.js'
import { mapConcurrent } from '../util/map-concurrent.js'
import type { FsckFinding } from './findings.js'

/** A pointer younger than this may belong to a `create` in flight (it writes the pointer first). */
export const REGISTRY_GRACE_MS = 10 * 60_000

/**
 * Registry records that belong to no volume: `.registry/by-id/<id>` pointers whose by-name
 * record is missing or names another id (a creator that lost the name race or crashed), and
 * `.registry/usage/<id>` objects of volumes that do not exist. Only those older than `graceMs`
 * (ten minutes): a `create` in flight writes its pointer first.
 */
export async function* orphanedRegistryRecords(blobs: BlobStore, signal?: AbortSignal, graceMs = REGISTRY_GRACE_MS): AsyncGenerator<{ findings: FsckFinding[]; objects: number }> {
  const now = Date.now()
  const registry = new VolumeRegistry(blobs)
  for (const [prefix, what] of [['.registry/by-id/', 'id pointer'], ['.registry/usage/', 'usage object']] as const) {
    let cursor: string | undefined
    do {
      const page = await blobs.list(prefix, { cursor, signal })
      const old = page.objects.filter((object) => now - object.lastModified.getTime() >= graceMs)
      const owners = await mapConcurrent(old, 16, (object) => registry.byId(object.key.slice(prefix.length)), signal)
      const findings = old.flatMap((object, index): FsckFinding[] =>
        owners[index] ? [] : [{ kind: 'orphan-registry-record', key: object.key, path: '', detail: `${what} of a volume that does not exist`, repair: { type: 'delete', key: object.key } }],
      )
      yield { findings, objects: page.objects.length }
      cursor = page.cursor
    } while (cursor)
  }
}
