import { afterAll, expect, it } from 'vitest'
import { describeWithService, provideService, runBlobStoreConformance, startFakeGcs } from '@volumes/testkit'
import { freshStore } from './fixture.js'

// The container path of the testkit, run once: fake-gcs-server from the local image, started by
// testcontainers in host network mode (CI starts dockerd; elsewhere this skips without an engine).
const service = await provideService('fake-gcs-server (container)', () => startFakeGcs({ container: true }))
afterAll(() => service?.stop())

describeWithService('GcsBlobStore on fake-gcs-server in a container', service, (gcs) => {
  it('the emulator runs in a container', () => {
    expect(gcs.source).toBe('container')
    expect(gcs.details.containerId).toMatch(/^[0-9a-f]{64}$/)
  })
  runBlobStoreConformance('gcs (fake-gcs-server container)', () => freshStore(gcs, 'container'))
})
