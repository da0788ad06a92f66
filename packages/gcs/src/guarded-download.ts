import type { PassThrough, Readable } from 'node:stream'
import { VolumeError } from '@volumes/core'

/**
 * Pipes a download into `body`, guarding against the two ways a broken download could hang or
 * pass for whole. A connection closed mid-body can leave `@google-cloud/storage`'s read stream
 * neither ending nor failing (seen through a fault proxy), so a download that gets no data for
 * `timeoutMs` while `body` has room fails with ETIMEDOUT (`BodyStalled`); time a slow reader
 * leaves `body` full does not count. A download that ends short of `expected` bytes fails with
 * EIO (`BodyTruncated`) instead of ending. Both are temporary. The clock starts at the response.
 */
export function pipeGuarded(source: Readable, body: PassThrough, expected: number, timeoutMs: number, key: string): void {
  let received = 0
  let timer: NodeJS.Timeout | undefined
  const fail = (error: VolumeError): void => {
    clearTimeout(timer)
    source.destroy()
    body.destroy(error)
  }
  const arm = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      if (body.destroyed) return
      if (body.writableNeedDrain) return arm()
      fail(new VolumeError('ETIMEDOUT', { op: 'get', path: key, reason: 'BodyStalled', temporary: true, detail: `download stalled: no data for ${timeoutMs} ms` }))
    }, timeoutMs)
  }
  source.once('response', arm)
  source.on('data', (chunk: Uint8Array) => {
    received += chunk.byteLength
    arm()
  })
  source.once('end', () => {
    clearTimeout(timer)
    if (received < expected) fail(new VolumeError('EIO', { op: 'get', path: key, reason: 'BodyTruncated', temporary: true, detail: `download ended after ${received} of ${expected} bytes` }))
    else body.end()
  })
  body.once('close', () => clearTimeout(timer))
  source.pipe(body, { end: false })
}
