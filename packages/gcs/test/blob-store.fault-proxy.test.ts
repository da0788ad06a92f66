import { afterAll } from 'vitest'
import { describeWithService, provideService, runBlobStoreFaultSuite, startFakeGcs, startToxiproxy, type ToxiproxyService } from '@volumes/testkit'
import { createStorage, GcsBlobStore } from '@volumes/gcs'
import { emulatorStorage, freshBucket } from './fixture.js'

// fake-gcs-server behind toxiproxy: latency, bandwidth, cut and reset connections, silence.
const gcs = await provideService('fake-gcs-server', startFakeGcs)
const toxiproxy = (await provideService('toxiproxy', startToxiproxy)) as ToxiproxyService | undefined
afterAll(async () => {
  await toxiproxy?.stop()
  await gcs?.stop()
})

describeWithService('GcsBlobStore through a fault proxy', gcs && toxiproxy, () => {
  runBlobStoreFaultSuite('gcs (fake-gcs-server)', async ({ timeoutMs }) => {
    const direct = emulatorStorage(gcs!)
    const bucket = await freshBucket(direct, 'faults')
    const proxy = await toxiproxy!.proxy(new URL(gcs!.url).host)
    const projectId = gcs!.details.projectId ?? 'volumes-test'
    const through = createStorage({ apiEndpoint: proxy.url, projectId, timeout: timeoutMs })
    return {
      proxy,
      store: new GcsBlobStore({ storage: through, bucket, prefix: 'f/', bodyTimeoutMs: timeoutMs }),
      direct: new GcsBlobStore({ storage: direct, bucket, prefix: 'f/' }),
      close: () => undefined,
    }
  })
})
