import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe } from 'vitest'
import { MemoryLeaseManager, VolumeStore } from '@volumes/core'
import { LocalBlobStore } from '@volumes/local'
import { fuseReason } from './helpers.js'
import { workloadSuite } from './workloads.js'

const makeStore = async (): Promise<VolumeStore> =>
  new VolumeStore({ blobs: new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'volumes-fuse-local-')), fsync: false }), leases: new MemoryLeaseManager() })

describe.skipIf(fuseReason !== undefined)(`volumes mount on local disk${fuseReason ? ` (skipped: ${fuseReason})` : ''}`, () => {
  workloadSuite(makeStore)
})
