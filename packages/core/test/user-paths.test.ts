import { describe, expect, it } from 'vitest'
import { isVolumeError, VolumeStore } from '@volumes/core'
import { backends } from './backends.js'

async function* failing(): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(3)
  throw new Error('the source broke')
}

describe.each(backends)('errors name the user\'s path on $name (issue 9, defect 10)', (backend) => {
  it('a failed store call of a volume operation names the volume path, not the object key', async () => {
    const store = new VolumeStore({ blobs: await backend.make() })
    const volume = await store.create('user-paths')
    const error = await volume.writeFile('/dir/file', failing()).then(() => undefined, (e: unknown) => e)
    expect(error).toBeDefined()
    expect(String((error as Error).message)).not.toContain(volume.volumeId)
    if (isVolumeError(error)) expect(error.path).toBe('/dir/file')
    expect(await volume.exists('/dir/file')).toBe(false)
  })
})
