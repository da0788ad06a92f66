import { throwIfAborted } from './abort.js'

/**
 * Runs `task` over `items` with at most `concurrency` in flight, streaming over the
 * input (which may be an async generator of unknown length). Stops at the first
 * failure: no new task starts, the running ones finish, then the error is thrown.
 */
export async function forEachConcurrent<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  task: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]()
  let failure: { error: unknown } | undefined
  let exhausted = false
  const worker = async (): Promise<void> => {
    while (!failure && !exhausted) {
      throwIfAborted(signal, 'forEachConcurrent')
      const next = await iterator.next()
      if (next.done) {
        exhausted = true
        return
      }
      await task(next.value)
    }
  }
  const workers = Array.from({ length: Math.max(1, concurrency) }, () =>
    worker().catch((error: unknown) => {
      failure ??= { error }
    }),
  )
  await Promise.all(workers)
  if (failure) throw failure.error
}

/** Maps `items` with bounded concurrency, keeping the input order in the result. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results = new Array<R>(items.length)
  await forEachConcurrent(items.keys(), concurrency, async (index) => {
    results[index] = await task(items[index]!)
  }, signal)
  return results
}
