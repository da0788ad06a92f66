import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEAM_LABEL } from '@volumes/server'
import { AuthenticationError, Volume, VolumeError, VolumeNotFoundError, VolumePathNotFoundError } from 'e2b'
import { sdkRejection, unique } from './expect-sdk.js'
import { startE2bServer, type E2bFixture } from './fixture.js'
import type { BackendFactory } from './sdk-methods-suite.js'

const MiB = 1024 * 1024

/**
 * The error paths and core's rules through the official SDK: credentials, missing volumes
 * and paths, team isolation, traversal through the `path` query, quotas, attachments and
 * the size limit. Quota: 1 GB is 1 MiB here, so a default volume can be filled.
 */
export function runSdkRuleTests(name: string, backend: BackendFactory): void {
  describe(`official e2b SDK rules → volumes serve → ${name}`, () => {
    let fixture: E2bFixture
    let volume: Volume
    beforeAll(async () => {
      const { blobs, cleanup } = await backend()
      fixture = await startE2bServer(blobs, cleanup, { bytesPerGb: MiB, maxFileBytes: 2 * MiB })
      fixture.useEnvironment()
      volume = await Volume.create(`rules-${unique()}`)
    })
    afterAll(async () => {
      await fixture?.close()
    })

    it('a wrong key or token is AuthenticationError; a volume token is no API key', async () => {
      const wrong = { apiKey: 'e2b-wrong-key-0123456789abcdef' }
      await sdkRejection(Volume.list(wrong), AuthenticationError)
      await sdkRejection(Volume.create(`denied-${unique()}`, wrong), AuthenticationError)
      await sdkRejection(Volume.getInfo(volume.volumeId, wrong), AuthenticationError)
      await sdkRejection(Volume.destroy(volume.volumeId, wrong), AuthenticationError)
      await sdkRejection(Volume.list({ apiKey: volume.token }), AuthenticationError)
      const forged = new Volume(volume.volumeId, volume.name, `${volume.token.slice(0, -4)}AAAA`)
      await sdkRejection(forged.readFile('/x'), AuthenticationError)
      await sdkRejection(forged.writeFile('/x', 'x'), AuthenticationError)
      await sdkRejection(new Volume(volume.volumeId, volume.name, '').list('/'), AuthenticationError)
      expect(await volume.exists('/x')).toBe(false)
    })

    it('a missing volume is VolumeNotFoundError (destroy: false); a missing path VolumePathNotFoundError', async () => {
      const missing = 'vol-aaaaaaaaaaaaaaaaaaaa'
      await sdkRejection(Volume.getInfo(missing), VolumeNotFoundError)
      await sdkRejection(Volume.connect(missing), VolumeNotFoundError)
      expect(await Volume.destroy(missing)).toBe(false)
      for (const call of [
        () => volume.readFile('/missing'),
        () => volume.getInfo('/missing'),
        () => volume.list('/missing'),
        () => volume.updateMetadata('/missing', { mode: 0o600 }),
        () => volume.remove('/missing'),
        () => volume.makeDir('/missing/child'),
      ]) await sdkRejection(call(), VolumePathNotFoundError)
    })

    it("another team's volume is a missing one, by management and by content", async () => {
      await volume.writeFile('/secret.txt', 'team a only')
      const other = fixture.otherTeam
      await sdkRejection(Volume.getInfo(volume.volumeId, other), VolumeNotFoundError)
      await sdkRejection(Volume.getInfo(volume.name, other), VolumeNotFoundError)
      await sdkRejection(Volume.connect(volume.volumeId, other), VolumeNotFoundError)
      expect(await Volume.destroy(volume.volumeId, other)).toBe(false)
      expect((await Volume.list(other)).map((v) => v.volumeId)).not.toContain(volume.volumeId)
      // Team B's own token, on team A's volume id, reaches nothing.
      const theirs = await Volume.create(`theirs-${unique()}`, other)
      expect((await fixture.store.connect(theirs.volumeId)).info.labels[TEAM_LABEL]).toBe('team-b')
      const crossed = new Volume(volume.volumeId, volume.name, theirs.token)
      await sdkRejection(crossed.readFile('/secret.txt'), VolumePathNotFoundError)
      await sdkRejection(crossed.writeFile('/secret.txt', 'overwritten'), VolumePathNotFoundError)
      await sdkRejection(crossed.remove('/secret.txt'), VolumePathNotFoundError)
      // And team A's token is only good for its own volume.
      await sdkRejection(new Volume(theirs.volumeId, theirs.name, volume.token).list('/'), VolumePathNotFoundError)
      expect(await volume.readFile('/secret.txt')).toBe('team a only')
      expect(await Volume.destroy(theirs.volumeId, other)).toBe(true)
    })

    it('traversal through the path query (../, %2e%2e, NUL) is refused or stays a name inside the volume', async () => {
      const sibling = await Volume.create(`sibling-${unique()}`)
      await sibling.writeFile('/secret.txt', 'sibling')
      const target = await Volume.create(`traversal-${unique()}`)
      const escapes = ['../secret.txt', '/../secret.txt', '/a/../../secret.txt', `../${sibling.volumeId}/secret.txt`, '..', '/a/b/../../..']
      for (const path of escapes) {
        await sdkRejection(target.readFile(path), VolumeError, /^400: EINVAL: path escapes the volume root/)
        await sdkRejection(target.writeFile(path, 'x'), VolumeError, /^400: EINVAL/)
        await sdkRejection(target.list(path), VolumeError, /^400: EINVAL/)
        await sdkRejection(target.makeDir(path, { force: true }), VolumeError, /^400: EINVAL/)
        await sdkRejection(target.remove(path), VolumeError, /^400: EINVAL/)
        await sdkRejection(target.updateMetadata(path, { mode: 0o777 }), VolumeError, /^400: EINVAL/)
      }
      for (const path of ['/a\0b', '\0', '/ok/\0/x']) {
        await sdkRejection(target.writeFile(path, 'x'), VolumeError, /^400: EINVAL: path contains a NUL byte/)
        await sdkRejection(target.readFile(path), VolumeError, /^400: EINVAL/)
      }
      // The SDK encodes '%' itself: '%2e%2e' arrives as that literal name, a file inside the volume.
      expect(await target.writeFile('/%2e%2e/x', 'literal')).toMatchObject({ path: '/%2e%2e/x' })
      expect((await target.list('/')).map((e) => e.name)).toEqual(['%2e%2e'])
      // Raw requests: %2e%2e%2f decodes (once) to ../ and is refused; %252e stays a name.
      const raw = async (query: string): Promise<{ status: number; body: { code?: string } }> => {
        const response = await fetch(`${fixture.e2bUrl}/volumecontent/${target.volumeId}/file?${query}`, { headers: { authorization: `Bearer ${target.token}` } })
        return { status: response.status, body: (await response.json()) as { code?: string } }
      }
      expect(await raw(`path=%2e%2e%2f${sibling.volumeId}%2fsecret.txt`)).toMatchObject({ status: 400, body: { code: 'EINVAL' } })
      expect(await raw('path=%2F..%2F..%2Fsecret.txt')).toMatchObject({ status: 400, body: { code: 'EINVAL' } })
      expect(await raw('path=%2Fa%00b')).toMatchObject({ status: 400, body: { code: 'EINVAL' } })
      expect(await raw('path=%252e%252e%252fsecret.txt')).toMatchObject({ status: 404, body: { code: 'ENOENT' } })
      expect(await raw('nopath=1')).toMatchObject({ status: 400, body: { code: 'EINVAL' } })
      // The volume id segment cannot walk either: the URL parser resolves it before routing.
      const walked = await fetch(`${fixture.e2bUrl}/volumecontent/${target.volumeId}/../${sibling.volumeId}/file?path=/secret.txt`, { headers: { authorization: `Bearer ${target.token}` } })
      expect(walked.status).toBe(404)
      await walked.body?.cancel()
      expect(await sibling.readFile('/secret.txt')).toBe('sibling')
      expect((await sibling.list('/', { depth: 10 })).map((e) => e.path)).toEqual(['/secret.txt'])
      expect((await target.list('/', { depth: 10 })).map((e) => e.path)).toEqual(['/%2e%2e', '/%2e%2e/x'])
    })

    it('a write past the quota is ENOSPC (507) and writes nothing', async () => {
      const full = await Volume.create(`quota-${unique()}`)
      await full.writeFile('/fill.bin', new Uint8Array(MiB - 64 * 1024).buffer)
      const error = await sdkRejection(full.writeFile('/over.bin', new Uint8Array(128 * 1024).buffer), VolumeError, /^507: ENOSPC/)
      expect(error.message).toContain('no space left on volume')
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(new Uint8Array(64 * 1024))
        },
      })
      await sdkRejection(full.writeFile('/over-stream.bin', stream), VolumeError, /^(507: ENOSPC|413: EFBIG)/)
      expect(await full.exists('/over.bin')).toBe(false)
      expect(await full.exists('/over-stream.bin')).toBe(false)
      expect((await full.getInfo('/fill.bin')).size).toBe(MiB - 64 * 1024)
      await full.remove('/fill.bin')
      expect(await full.writeFile('/over.bin', new Uint8Array(128 * 1024).buffer)).toMatchObject({ size: 128 * 1024 })
    })

    it('a body over the size limit is 413 and writes nothing', async () => {
      // 100 MiB of quota, so that the size limit (2 MiB) is what refuses.
      const record = await fixture.store.create(`limit-${unique()}`, { sizeGb: 100, labels: { [TEAM_LABEL]: 'team-a' } })
      const limited = await Volume.connect(record.volumeId)
      await limited.writeFile('/kept.bin', 'old')
      await sdkRejection(limited.writeFile('/kept.bin', new Uint8Array(2 * MiB + 1).buffer), VolumeError, /^413: EFBIG/)
      const stream = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(256 * 1024)) })
      await sdkRejection(limited.writeFile('/streamed.bin', stream), VolumeError, /^413: EFBIG/)
      expect(await limited.readFile('/kept.bin')).toBe('old')
      expect(await limited.exists('/streamed.bin')).toBe(false)
    })

    it('a volume attached exclusively by another holder refuses writes (EBUSY); reads go on', async () => {
      const held = await Volume.create(`held-${unique()}`)
      await held.writeFile('/before.txt', 'before')
      const lease = await fixture.store.leases.acquire(held.volumeId, 'sandbox-elsewhere', { mode: 'exclusive', ttlMs: 60_000 })
      try {
        for (const write of [
          () => held.writeFile('/before.txt', 'changed'),
          () => held.writeFile('/new.txt', 'new'),
          () => held.makeDir('/dir'),
          () => held.updateMetadata('/before.txt', { mode: 0o600 }),
          () => held.remove('/before.txt'),
        ]) await sdkRejection(write(), VolumeError, /^423: EBUSY: Volume ".*" is attached exclusive by another holder; nothing was written/)
        expect(await held.readFile('/before.txt')).toBe('before')
        expect((await held.list('/')).map((e) => e.name)).toEqual(['before.txt'])
        expect((await held.getInfo('/before.txt')).mode).toBe(0o644)
        await sdkRejection(Volume.destroy(held.volumeId), VolumeError, /^423: EBUSY/)
      } finally {
        await lease.release()
      }
      const shared = await fixture.store.leases.acquire(held.volumeId, 'sandbox-shared', { mode: 'shared', ttlMs: 60_000 })
      try {
        expect(await held.writeFile('/before.txt', 'changed')).toMatchObject({ size: 7 })
      } finally {
        await shared.release()
      }
      expect(await held.readFile('/before.txt')).toBe('changed')
    })
  })
}
