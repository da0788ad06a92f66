import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'

// Collections during a transfer, so that the RSS shows what is kept, not garbage not yet collected.
v8.setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void

/** Runs `work` while collecting and sampling this process's RSS (server and SDK both); returns its result and the peak growth. */
export async function rssGrowthDuring<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  gc()
  const before = process.memoryUsage.rss()
  let peak = before
  let ticks = 0
  const timer = setInterval(() => {
    gc({ type: ++ticks % 20 === 0 ? 'major' : 'minor' })
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 10)
  try {
    const result = await work()
    peak = Math.max(peak, process.memoryUsage.rss())
    return { result, growth: peak - before }
  } finally {
    clearInterval(timer)
  }
}
