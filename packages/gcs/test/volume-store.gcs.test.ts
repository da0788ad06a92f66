import { afterAll } from 'vitest'
import { describeWithService, provideService, runVolumeStoreConformance, startFakeGcs } from '@volumes/testkit'
import { freshStore } from './fixture.js'

const service = await provideService('fake-gcs-server', startFakeGcs)
afterAll(() => service?.stop())

describeWithService('VolumeStore on GcsBlobStore (fake-gcs-server)', service, (gcs) => {
  runVolumeStoreConformance('gcs (fake-gcs-server)', () => freshStore(gcs, 'volumes'))
})
