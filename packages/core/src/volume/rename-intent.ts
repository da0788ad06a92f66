import { createHash } from 'node:crypto'
import type { VolumeContext } from './volume-context.js'

const INTENT_PREFIX = '.registry/renames/'

/**
 * A directory rename in progress, recorded before its first copy and deleted after its
 * last delete: a rename that was interrupted (a crash, a kill) is completed by calling
 * it again, instead of failing with ENOTEMPTY on its own partial destination.
 * Kept beside the registry (`.registry/renames/<volumeId>/<hash of from and to>`), not
 * in the volume, so no listing shows it. Bucket volumes (no registry) keep none.
 */
export interface RenameIntent {
  /** Whether an interrupted rename of `from` to `to` is on record. */
  exists(): Promise<boolean>
  /** Records the rename as started. */
  begin(): Promise<void>
  /** Records the rename as done. */
  end(): Promise<void>
}

/** The intent record of renaming `from` to `to` in a volume. */
export function renameIntent(context: VolumeContext, from: string, to: string): RenameIntent | undefined {
  if (context.volumeId.startsWith('bucket:')) return undefined
  const hash = createHash('sha256').update(`${from}\0${to}`).digest('hex').slice(0, 32)
  const key = `${INTENT_PREFIX}${context.volumeId}/${hash}`
  const body = new TextEncoder().encode(JSON.stringify({ from, to, startedAt: new Date().toISOString() }))
  return {
    exists: async () => (await context.blobs.head(key)) !== undefined,
    begin: async () => {
      await context.blobs.put(key, body, { contentType: 'application/json' })
    },
    end: async () => {
      await context.blobs.delete([key])
    },
  }
}

/** The prefix under which a volume's unfinished renames are recorded (for fsck and destroy). */
export function renameIntentPrefix(volumeId: string): string {
  return `${INTENT_PREFIX}${volumeId}/`
}
