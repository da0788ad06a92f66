/** Requests in flight per server by default: a burst of calls queues here instead of opening a socket each. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 64

/**
 * A counting semaphore. One is shared by every client of the same server (and limit),
 * so a `Promise.all` over thousands of writes never opens thousands of connections,
 * which a busy server's accept queue answers with resets.
 */
export class RequestLimit {
  #active = 0
  readonly #waiting: (() => void)[] = []

  constructor(readonly limit: number) {}

  /** Waits for a slot (or rejects when `signal` fires first); call the returned function once to free it. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.#active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          const at = this.#waiting.indexOf(grant)
          if (at >= 0) this.#waiting.splice(at, 1)
          reject(signal?.reason)
        }
        const grant = (): void => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        if (signal?.aborted) return reject(signal.reason)
        signal?.addEventListener('abort', onAbort, { once: true })
        this.#waiting.push(grant)
      })
    } else {
      this.#active++
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiting.shift()
      if (next) next()
      else this.#active--
    }
  }
}

const limits = new Map<string, RequestLimit>()

/** The limit shared by every client of `apiUrl` with the same `max`. */
export function requestLimitFor(apiUrl: string, max: number = DEFAULT_MAX_CONCURRENT_REQUESTS): RequestLimit {
  const key = `${max} ${apiUrl}`
  let limit = limits.get(key)
  if (!limit) limits.set(key, (limit = new RequestLimit(max)))
  return limit
}
