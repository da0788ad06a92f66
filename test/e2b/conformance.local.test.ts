import { afterAll } from 'vitest'
import { runVolumeApiConformance } from '@volumes/testkit'
import { localBlobs, startE2bServer, type E2bFixture } from './fixture.js'
import { sdkApi, sdkLacks } from './sdk-adapter.js'

let fixture: E2bFixture | undefined
afterAll(async () => {
  await fixture?.close()
})

runVolumeApiConformance('official e2b SDK → server → LocalBlobStore', async () => {
  const { blobs, cleanup } = await localBlobs()
  fixture = await startE2bServer(blobs, cleanup)
  fixture.useEnvironment()
  return sdkApi(fixture.team)
}, { lacks: sdkLacks, hostilePathRuns: 60 })
