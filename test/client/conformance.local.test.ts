import { afterAll } from 'vitest'
import { runVolumeApiConformance } from '@volumes/testkit'
import { clientApi, startLocalServer, type ServerFixture } from './fixture.js'

let fixture: ServerFixture | undefined
afterAll(async () => {
  await fixture?.close()
})

runVolumeApiConformance('client → server → LocalBlobStore', async () => {
  fixture = await startLocalServer()
  return clientApi(fixture.connection)
})
