import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryBlobStore, type BlobStore } from '@volumes/core'

/** A BlobStore to run the attachment and quota tests on. */
export interface Backend {
  readonly name: string
  make(): Promise<BlobStore>
}

const localSource = new URL('../../local/src/index.ts', import.meta.url)

/** Memory, and the real disk through `@volumes/local` when that package is present. */
export const backends: Backend[] = [
  { name: 'memory', make: async () => new MemoryBlobStore() },
  ...(existsSync(localSource)
    ? [{
        name: 'local disk',
        make: async (): Promise<BlobStore> => {
          const { LocalBlobStore } = await import('@volumes/local')
          return new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'volumes-core-')), fsync: false })
        },
      }]
    : []),
]
