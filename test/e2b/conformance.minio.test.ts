import { afterAll } from 'vitest'
import { describeWithService, provideService, runVolumeApiConformance, startMinio, type MinioService } from '@volumes/testkit'
import { minioBlobs, startE2bServer, type E2bFixture } from './fixture.js'
import { sdkApi, sdkLacks } from './sdk-adapter.js'

const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
let fixture: E2bFixture | undefined
afterAll(async () => {
  await fixture?.close()
  await minio?.stop()
})

describeWithService('official e2b SDK conformance → server → MinIO', minio, (provided) => {
  runVolumeApiConformance('official e2b SDK → server → S3BlobStore (MinIO)', async () => {
    const { blobs, cleanup } = await minioBlobs(provided as MinioService)
    fixture = await startE2bServer(blobs, cleanup)
    fixture.useEnvironment()
    return sdkApi(fixture.team)
  }, { lacks: sdkLacks, hostilePathRuns: 40 })
})
