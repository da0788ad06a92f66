import { Readable } from 'node:stream'
import { VolumeError } from '@volumes/core'

/**
 * Wraps a response body so that a server that stops sending mid-body cannot hang the
 * reader: when the reader asks for data and none comes for `timeoutMs`, the body fails
 * with ETIMEDOUT (temporary) and the socket is destroyed. Time the reader spends not
 * reading does not count, so a slow consumer is never cut off.
 *
 * Destroying the returned stream destroys the response body (and frees its socket);
 * body errors pass through `mapError`.
 */
export function guardBody(source: Readable, timeoutMs: number, mapError: (error: unknown) => Error, op: string, path: string): Readable {
  return new GuardedBody(source, timeoutMs, mapError, op, path)
}

class GuardedBody extends Readable {
  readonly #source: Readable
  readonly #iterator: AsyncIterator<Uint8Array>
  readonly #timeoutMs: number
  readonly #mapError: (error: unknown) => Error
  readonly #op: string
  readonly #path: string
  #timer: NodeJS.Timeout | undefined

  constructor(source: Readable, timeoutMs: number, mapError: (error: unknown) => Error, op: string, path: string) {
    super({ highWaterMark: 256 * 1024 })
    this.#source = source
    this.#iterator = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>
    this.#timeoutMs = timeoutMs
    this.#mapError = mapError
    this.#op = op
    this.#path = path
  }

  override _read(): void {
    this.#timer = setTimeout(() => {
      this.destroy(new VolumeError('ETIMEDOUT', {
        op: this.#op, path: this.#path, reason: 'BodyStalled', temporary: true,
        detail: `response body stalled: no data for ${this.#timeoutMs} ms`,
      }))
    }, this.#timeoutMs)
    this.#iterator.next().then(
      (result) => {
        clearTimeout(this.#timer)
        if (this.destroyed) return
        this.push(result.done ? null : result.value)
      },
      (error: unknown) => {
        clearTimeout(this.#timer)
        if (!this.destroyed) this.destroy(this.#mapError(error))
      },
    )
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer)
    if (!this.#source.destroyed) this.#source.destroy()
    callback(error)
  }
}
