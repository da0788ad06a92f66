import { afterAll } from 'vitest'
import { describeWithService, provideService, runBlobStoreConformance, startFakeGcs } from '@volumes/testkit'
import { freshStore } from './fixture.js'

const service = await provideService('fake-gcs-server', startFakeGcs)
afterAll(() => service?.stop())

describeWithService('GcsBlobStore on fake-gcs-server', service, (gcs) => {
  runBlobStoreConformance('gcs (fake-gcs-server)', () => freshStore(gcs, 'conformance'))
})
