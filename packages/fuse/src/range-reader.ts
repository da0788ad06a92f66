import type { Volume } from '@volumes/core'

/** Sizes of the read-ahead window. */
export interface ReadAheadOptions {
  /** First window, and the window after a seek. Default 256 KiB. */
  readonly minBytes?: number | undefined
  /** Largest window; sequential reads double the window up to it. Default 8 MiB. */
  readonly maxBytes?: number | undefined
}

interface Window {
  readonly start: number
  readonly bytes: Uint8Array
}

/**
 * Ranged reads of one remote file with read-ahead. Each miss fetches one window with
 * a ranged GET; sequential reads double the window (up to `maxBytes`) and fetch the
 * next window in the background while the current one is consumed. Memory is at most
 * two windows per open file; a seek drops both.
 */
export class RangeReader {
  readonly #volume: Volume
  readonly #path: string
  readonly #size: number
  readonly #min: number
  readonly #max: number
  #chunk: number
  #window: Window | undefined
  #next: { start: number; fetched: Promise<Window | undefined> } | undefined
  #lastEnd = -1

  constructor(volume: Volume, path: string, size: number, options: ReadAheadOptions = {}) {
    this.#volume = volume
    this.#path = path
    this.#size = size
    this.#min = options.minBytes ?? 256 * 1024
    this.#max = Math.max(this.#min, options.maxBytes ?? 8 * 1024 * 1024)
    this.#chunk = this.#min
  }

  /** Reads up to `length` bytes at `position` into `target`; returns the count (0 at the end). */
  async read(target: Uint8Array, length: number, position: number): Promise<number> {
    const end = Math.min(position + length, this.#size)
    if (position >= end) return 0
    const sequential = position === this.#lastEnd
    this.#chunk = sequential ? Math.min(this.#chunk * 2, this.#max) : this.#min
    let offset = position
    while (offset < end) {
      const window = await this.#windowAt(offset)
      const from = offset - window.start
      const count = Math.min(end - offset, window.bytes.byteLength - from)
      if (count <= 0) break
      target.set(window.bytes.subarray(from, from + count), offset - position)
      offset += count
    }
    this.#lastEnd = offset
    if (sequential) this.#prefetch()
    return offset - position
  }

  async #windowAt(offset: number): Promise<Window> {
    const current = this.#window
    if (current && offset >= current.start && offset < current.start + current.bytes.byteLength) return current
    const next = this.#next
    if (next && next.start === offset) {
      this.#next = undefined
      const fetched = await next.fetched
      if (fetched) return (this.#window = fetched)
    }
    this.#next = undefined
    return (this.#window = await this.#fetch(offset, this.#chunk))
  }

  #prefetch(): void {
    const current = this.#window
    if (!current || this.#next) return
    const start = current.start + current.bytes.byteLength
    if (start >= this.#size) return
    // A failed read-ahead is not an error: the read that needs the bytes fetches them again.
    this.#next = { start, fetched: this.#fetch(start, this.#chunk).catch(() => undefined) }
  }

  async #fetch(start: number, length: number): Promise<Window> {
    const end = Math.min(start + length, this.#size)
    const bytes = await this.#volume.readFile(this.#path, { format: 'bytes', range: { start, end } })
    return { start, bytes }
  }
}
