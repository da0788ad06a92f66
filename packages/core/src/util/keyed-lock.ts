/**
 * Runs tasks one at a time per key, in arrival order, within this process.
 * Keys without waiters take no memory.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>()

  /** Runs `task` once every earlier task of `key` has settled. `waited` says whether there was one. */
  async run<T>(key: string, task: (waited: boolean) => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key)
    let release!: () => void
    const done = new Promise<void>((resolve) => (release = resolve))
    const tail = previous ? previous.then(() => done) : done
    this.#tails.set(key, tail)
    try {
      if (previous) await previous
      return await task(previous !== undefined)
    } finally {
      release()
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    }
  }
}
