import { describe, expect, it } from 'vitest'
import { mapS3Error, mapS3ErrorCode } from '@volumes/s3'

const sdkError = (name: string, status: number, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${name} happened`), { name, Code: name, $metadata: { httpStatusCode: status }, ...extra })
const nodeError = (code: string): Error => Object.assign(new Error(`connect ${code}`), { code })
const summary = (error: unknown): [string, boolean, string | undefined] => {
  const mapped = mapS3Error(error, 'put', 'k')
  return [mapped.code, mapped.temporary, mapped.reason]
}

describe('mapS3Error: one map for every S3 failure', () => {
  it('maps S3 error codes and HTTP statuses', () => {
    expect(summary(sdkError('NoSuchKey', 404))).toEqual(['ENOENT', false, 'NoSuchKey'])
    expect(summary(sdkError('PreconditionFailed', 412))).toEqual(['EPRECONDITION', false, 'PreconditionFailed'])
    expect(summary(sdkError('ConditionalRequestConflict', 409))).toEqual(['EAGAIN', true, 'ConditionalRequestConflict'])
    expect(summary(sdkError('SlowDown', 503))).toEqual(['EAGAIN', true, 'Throttled'])
    expect(summary(sdkError('InternalError', 500))).toEqual(['EIO', true, 'InternalError'])
    expect(summary(sdkError('InvalidRange', 416))).toEqual(['EINVAL', false, 'RangeNotSatisfiable'])
    expect(summary(sdkError('AccessDenied', 403))).toEqual(['EACCES', false, 'AccessDenied'])
    expect(summary(sdkError('KeyTooLongError', 400))).toEqual(['ENAMETOOLONG', false, 'KeyTooLongError'])
    expect(summary(sdkError('NotImplemented', 501))).toEqual(['ENOTSUP', false, 'NotImplemented'])
    expect(summary(Object.assign(new Error('UnknownError'), { name: 'Unknown', $metadata: { httpStatusCode: 502 } }))).toEqual(['EIO', true, undefined])
    expect(summary(Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }))).toEqual(['ENOENT', false, 'NotFound'])
  })
  it('marks connection resets, refusals and timeouts temporary, looking through causes', () => {
    expect(summary(nodeError('ECONNRESET'))).toEqual(['EIO', true, 'ECONNRESET'])
    expect(summary(nodeError('ECONNREFUSED'))).toEqual(['EIO', true, 'ECONNREFUSED'])
    expect(summary(new Error('wrapped', { cause: nodeError('EPIPE') }))).toEqual(['EIO', true, 'EPIPE'])
    expect(summary(Object.assign(new Error('slow'), { name: 'TimeoutError' }))).toEqual(['ETIMEDOUT', true, 'TimeoutError'])
  })
  it('an abort is ECANCELED; anything else is a permanent EIO', () => {
    expect(summary(Object.assign(new Error('aborted'), { name: 'AbortError' }))[0]).toBe('ECANCELED')
    expect(summary(new Error('what'))).toEqual(['EIO', false, 'Error'])
  })
  it('a MinIO invalid-name error on an over-long segment is ENAMETOOLONG, otherwise EINVAL', () => {
    const invalid = sdkError('XMinioInvalidObjectName', 400)
    expect(mapS3Error(invalid, 'put', `a/${'x'.repeat(256)}`).code).toBe('ENAMETOOLONG')
    expect(mapS3Error(invalid, 'put', 'a/\0').code).toBe('EINVAL')
  })
  it('maps per-key DeleteObjects error codes', () => {
    const error = mapS3ErrorCode('AccessDenied', 'no', 'delete', 'k')
    expect([error.code, error.temporary, error.path]).toEqual(['EACCES', false, 'k'])
    expect(mapS3ErrorCode('InternalError', 'oops', 'delete', 'k').temporary).toBe(true)
  })
})
