import { describe, expect, it } from 'vitest'
import { isVolumeError } from '@volumes/core'
import { resolveConnection } from '@volumes/client'

const failure = (run: () => unknown): unknown => {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected a failure')
}

describe('resolveConnection', () => {
  it('reads VOLUMES_API_URL and VOLUMES_API_KEY, dropping a trailing slash', () => {
    expect(resolveConnection({}, { VOLUMES_API_URL: 'http://127.0.0.1:8080/', VOLUMES_API_KEY: 'k-env' })).toMatchObject({ apiUrl: 'http://127.0.0.1:8080', apiKey: 'k-env' })
  })
  it('prefers explicit options over the environment, one by one', () => {
    const env = { VOLUMES_API_URL: 'http://env:1', VOLUMES_API_KEY: 'k-env' }
    expect(resolveConnection({ apiKey: 'k-opt' }, env)).toMatchObject({ apiUrl: 'http://env:1', apiKey: 'k-opt' })
    expect(resolveConnection({ apiUrl: 'https://opt.example/api/' }, env)).toMatchObject({ apiUrl: 'https://opt.example/api', apiKey: 'k-env' })
  })
  it('is EINVAL naming the option and the variable when either is missing', () => {
    const noUrl = failure(() => resolveConnection({}, { VOLUMES_API_KEY: 'k' }))
    expect(isVolumeError(noUrl, 'EINVAL')).toBe(true)
    expect((noUrl as Error).message).toContain('VOLUMES_API_URL')
    expect((noUrl as Error).message).toContain('apiUrl')
    const noKey = failure(() => resolveConnection({ apiUrl: 'http://x' }, { VOLUMES_API_KEY: '  ' }))
    expect(isVolumeError(noKey, 'EINVAL')).toBe(true)
    expect((noKey as Error).message).toContain('VOLUMES_API_KEY')
  })
  it('has a request limit, 64 unless given', () => {
    expect(resolveConnection({ apiUrl: 'http://x', apiKey: 'k' }, {}).maxConcurrentRequests).toBe(64)
    expect(resolveConnection({ apiUrl: 'http://x', apiKey: 'k', maxConcurrentRequests: 2 }, {}).maxConcurrentRequests).toBe(2)
    expect(isVolumeError(failure(() => resolveConnection({ apiUrl: 'http://x', apiKey: 'k', maxConcurrentRequests: 0 }, {})), 'EINVAL')).toBe(true)
  })
  it('refuses URLs that are not http(s)', () => {
    expect(isVolumeError(failure(() => resolveConnection({ apiUrl: 'not a url', apiKey: 'k' }, {})), 'EINVAL')).toBe(true)
    expect(isVolumeError(failure(() => resolveConnection({ apiUrl: 'ftp://x', apiKey: 'k' }, {})), 'EINVAL')).toBe(true)
  })
})
