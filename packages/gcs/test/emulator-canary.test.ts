/**
 * Canary: does the emulator really enforce what the conformance suite relies on?
 *
 * Written against the raw `@google-cloud/storage` client (and plain fetch for
 * `uploadType=media`), never through GcsBlobStore, so a conformance pass cannot hide an
 * emulator that silently accepts every conditional write.
 *
 * The `it.fails` block records what fake-gcs-server v1.56.1 does NOT enforce (PATCH and
 * rewrite preconditions, metageneration; fixed upstream in fsouza/fake-gcs-server#2343,
 * after the last release). When a newer pinned emulator enforces them those tests fail:
 * then turn them into plain tests, and the adapter's early checks become belt and braces.
 */
import type { Bucket, File, PreconditionOptions } from '@google-cloud/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWithService, provideService, startFakeGcs, type TestService } from '@volumes/testkit'
import { emulatorStorage, freshBucket } from './fixture.js'

const service = await provideService('fake-gcs-server', startFakeGcs)
afterAll(() => service?.stop())

type Upload = (bucket: Bucket, name: string, body: string, preconditions?: PreconditionOptions) => Promise<void>

/** Resolves with the HTTP status of a failed call, or 200 when it succeeded. */
const statusOf = (promise: Promise<unknown>): Promise<number> =>
  promise.then(
    () => 200,
    (error: { code?: unknown }) => (typeof error.code === 'number' ? error.code : Promise.reject(error)),
  )

const writeStream = (file: File, body: string, resumable: boolean, preconditionOpts: PreconditionOptions): Promise<void> =>
  new Promise((resolve, reject) => {
    const writable = file.createWriteStream({ resumable, preconditionOpts, validation: false })
    writable.once('error', reject).once('finish', resolve)
    writable.end(body)
  })

function uploads(gcs: TestService): Record<string, Upload> {
  return {
    // uploadType=media: the body alone, conditions in the query (what #2308 fixed in v1.56.0).
    'simple (uploadType=media)': async (bucket, name, body, preconditions = {}) => {
      const query = new URLSearchParams({ uploadType: 'media', name })
      for (const [key, value] of Object.entries(preconditions)) query.set(key, String(value))
      const response = await fetch(`${gcs.url}/upload/storage/v1/b/${bucket.name}/o?${query}`, { method: 'POST', body })
      await response.body?.cancel()
      if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: response.status })
    },
    // The client's single-request upload (resumable: false) is uploadType=multipart.
    'single-request (uploadType=multipart)': (bucket, name, body, preconditions = {}) => writeStream(bucket.file(name), body, false, preconditions),
    // Session POST, then the data PUT to the session URL: the conditions must survive to the PUT.
    'resumable (uploadType=resumable)': (bucket, name, body, preconditions = {}) => writeStream(bucket.file(name), body, true, preconditions),
  }
}

describeWithService('fake-gcs-server canary (raw @google-cloud/storage client)', service, (gcs) => {
  let bucket: Bucket
  beforeAll(async () => {
    const storage = emulatorStorage(gcs)
    bucket = storage.bucket(await freshBucket(storage, 'canary'))
  })
  const content = async (name: string): Promise<string> => (await bucket.file(name).download())[0].toString()
  const generation = async (name: string): Promise<string> => String((await bucket.file(name).getMetadata())[0].generation)

  for (const [kind, upload] of Object.entries(uploads(gcs))) {
    describe(kind, () => {
      it('refuses a create-only write (ifGenerationMatch=0) on an existing object, and keeps it', async () => {
        const name = `${kind}/create-only`
        await upload(bucket, name, 'first', { ifGenerationMatch: 0 })
        expect(await statusOf(upload(bucket, name, 'second', { ifGenerationMatch: 0 }))).toBe(412)
        expect(await content(name)).toBe('first')
      })
      it('refuses a write with a stale generation, and accepts the current one', async () => {
        const name = `${kind}/cas`
        await upload(bucket, name, 'v1')
        const stale = await generation(name)
        await upload(bucket, name, 'v2', { ifGenerationMatch: stale })
        const current = await generation(name)
        expect(current).not.toBe(stale)
        expect(await statusOf(upload(bucket, name, 'stale', { ifGenerationMatch: stale }))).toBe(412)
        expect(await content(name)).toBe('v2')
        await upload(bucket, name, 'v3', { ifGenerationMatch: current })
        expect(await content(name)).toBe('v3')
      })
      it('refuses a conditional write to a missing object (nonzero ifGenerationMatch)', async () => {
        const name = `${kind}/absent`
        expect(await statusOf(upload(bucket, name, 'x', { ifGenerationMatch: 12345 }))).toBe(412)
        expect(await statusOf(bucket.file(name).getMetadata())).toBe(404)
      })
    })
  }

  describe('known gaps of v1.56.1 (expected to fail until the emulator enforces them)', () => {
    it.fails('a metadata PATCH moves the metageneration', async () => {
      const file = bucket.file('gaps/meta')
      await file.save('x', { resumable: false })
      const [before] = await file.getMetadata()
      await file.setMetadata({ metadata: { k: 'v' } })
      const [after] = await file.getMetadata()
      expect(String(after.metageneration)).not.toBe(String(before.metageneration))
    })
    it.fails('a PATCH with a stale ifMetagenerationMatch is refused', async () => {
      const file = bucket.file('gaps/patch')
      await file.save('x', { resumable: false })
      expect(await statusOf(file.setMetadata({ metadata: { k: 'v' } }, { ifMetagenerationMatch: 99 }))).toBe(412)
    })
    it.fails('a rewrite with ifGenerationMatch=0 onto an existing object is refused', async () => {
      await bucket.file('gaps/src').save('src', { resumable: false })
      await bucket.file('gaps/dst').save('dst', { resumable: false })
      expect(await statusOf(bucket.file('gaps/src').copy(bucket.file('gaps/dst'), { preconditionOpts: { ifGenerationMatch: 0 } }))).toBe(412)
    })
  })
})
