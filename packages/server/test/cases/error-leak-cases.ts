import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerBackend } from '../backends.js'
import { makeFixture, type Fixture } from '../helpers.js'

/** Defect 10: bad names and paths are 400 before any key is built; no error names an internal key. */
export function errorLeakCases(backend: ServerBackend): void {
  describe('error responses name user paths, never keys (issue 9, defect 10)', () => {
    let f: Fixture
    let volumeId: string

    /** An error response's JSON, checked to quote no key, no store prefix and no raw control character. */
    async function checkedError(response: Response): Promise<{ status: number; error: { code: string; reason?: string; path?: string; message: string } }> {
      const text = await response.text()
      expect(response.status, text).toBeGreaterThanOrEqual(400)
      expect(text).not.toContain(volumeId)
      expect(text).not.toContain('.registry')
      expect(text).not.toMatch(/[\u0000-\u001f]/)
      const { error } = JSON.parse(text) as { error: { code: string; reason?: string; path?: string; message: string } }
      expect(error.message).not.toMatch(/[\u0000-\u001f]|\p{Cs}/u)
      return { status: response.status, error }
    }

    beforeAll(async () => {
      f = await makeFixture({ blobs: await backend.make() })
      volumeId = (await f.json('POST', '/volumes', { name: 'leaks' })).body.volumeId
      expect(volumeId).toMatch(/^vol-/)
    })
    afterAll(() => f.cleanup())

    it('a volume segment no volume can have (%00, control characters, a slash) is 404 VolumeNotFound, quoting it escaped', async () => {
      for (const segment of ['%00', 'a%00b', '%01', '%1f', '%7f', 'a%2fb', '%2e%2e%2fx']) {
        for (const [method, route] of [['GET', 'files/a'], ['GET', 'stat/a'], ['PUT', 'files/a'], ['GET', '']] as const) {
          const response = await f.call(method, `/volumes/${segment}${route === '' ? '' : `/${route}`}`, method === 'PUT' ? { body: 'x' } : {})
          const { status, error } = await checkedError(response)
          expect([status, error.code, error.reason], `${method} /volumes/${segment}/${route}`).toEqual([404, 'ENOENT', 'VolumeNotFound'])
        }
      }
      const { error } = await checkedError(await f.call('GET', '/volumes/%00/files/a'))
      expect(error.message).toContain('Volume "\\u0000" not found')
    })

    it('a lone surrogate in a rename or copy body is 400 EINVAL InvalidUnicode, never a retryable 503', async () => {
      const cases = ['{"from":"/\\ud800","to":"/b"}', '{"from":"/a","to":"/x\\udc00"}', '{"from":"/\\ud83d/y","to":"/b"}']
      await f.call('PUT', '/volumes/leaks/files/a', { body: 'a' })
      for (const body of cases) {
        for (const op of ['rename', 'copy']) {
          const response = await f.call('POST', `/volumes/leaks/${op}`, { body, headers: { 'content-type': 'application/json' } })
          const { status, error } = await checkedError(response)
          expect([status, error.code, error.reason], `${op} ${body}`).toEqual([400, 'EINVAL', 'InvalidUnicode'])
        }
      }
      expect(await (await f.call('GET', '/volumes/leaks/files/a')).text()).toBe('a')
    })

    it('long and awkward names are refused (or stored) with the user\'s path and no backend key in the error', async () => {
      const names = [240, 246, 247, 250, 254, 255, 256].map((n) => 'n'.repeat(n))
      const routes = [...names.map((name) => `files/${name}`), ...names.map((name) => `files/${name}/x`), `files/${'d/'.repeat(600)}x`, `files/${'é'.repeat(128)}/x`]
      let refused = 0
      for (const route of routes) {
        const response = await f.call('PUT', `/volumes/leaks/${route}`, { body: 'x' })
        if (response.status === 201) {
          await response.body?.cancel()
          continue
        }
        refused++
        const { status, error } = await checkedError(response)
        expect(status, `${route}: a bad name is the client's fault`).toBeLessThan(500)
        expect(error.path === undefined || error.path.startsWith('/'), `path ${error.path}`).toBe(true)
      }
      expect(refused).toBeGreaterThan(0)
    })
  })
}
