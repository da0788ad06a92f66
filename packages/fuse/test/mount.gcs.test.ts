import { afterAll, describe } from 'vitest'
import { MemoryLeaseManager, VolumeStore } from '@volumes/core'
import { describeWithService, provideService, startFakeGcs } from '@volumes/testkit'
import { freshStore } from '../../gcs/test/fixture.js'
import { fuseReason } from './helpers.js'
import { workloadSuite } from './workloads.js'

const service = fuseReason === undefined ? await provideService('fake-gcs-server', startFakeGcs) : undefined
afterAll(() => service?.stop())

if (fuseReason !== undefined) {
  describe.skip(`volumes mount on fake-gcs-server (skipped: ${fuseReason})`, () => undefined)
} else {
  describeWithService('volumes mount on fake-gcs-server (GcsBlobStore)', service, (gcs) => {
    workloadSuite(async () => new VolumeStore({ blobs: await freshStore(gcs, 'mount'), leases: new MemoryLeaseManager() }), { shellOnly: true })
  })
}
