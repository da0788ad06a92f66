import { randomBytes } from 'node:crypto'
import type { Storage } from '@google-cloud/storage'
import type { TestService } from '@volumes/testkit'
import { createStorage, GcsBlobStore } from '@volumes/gcs'

/** A client of the emulator, with the library's retries off. */
export function emulatorStorage(service: TestService): Storage {
  return createStorage({ apiEndpoint: service.url, projectId: service.details.projectId ?? 'volumes-test' })
}

/** Creates a bucket with a fresh name on the emulator. */
export async function freshBucket(storage: Storage, label: string): Promise<string> {
  const name = `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
  await storage.createBucket(name)
  return name
}

/** A store on a fresh bucket (and a prefix, so that key translation is exercised). */
export async function freshStore(service: TestService, label: string, prefix = 'root/'): Promise<GcsBlobStore> {
  const storage = emulatorStorage(service)
  return new GcsBlobStore({ storage, bucket: await freshBucket(storage, label), prefix })
}
