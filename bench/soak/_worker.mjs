// One soak worker process: attaches every soak volume in shared mode (leases in Redis) and runs
// a random mix of writes, overwrites, reads, removes, renames and directory operations on them
// until SIGTERM. Reports its RSS, open fds and operation counts to the parent every few seconds.
// Started by soak.mjs with its settings as JSON in argv[2].
import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { RegistryTokenFloor, VolumeStore, withRetry } from '../../packages/core/dist/index.js'
import { RedisLeaseManager } from '../../packages/redis/dist/index.js'
import { S3BlobStore } from '../../packages/s3/dist/index.js'

const settings = JSON.parse(process.argv[2])
const KiB = 1024
let stopping = false
process.on('SIGTERM', () => (stopping = true))

// Outcomes a mix of concurrent operations produces by design; anything else is reported as unexpected.
const expected = new Set(['ENOENT', 'EEXIST', 'ENOTEMPTY', 'ENOTDIR', 'EISDIR', 'ENOSPC', 'EBUSY', 'EPRECONDITION', 'EAGAIN'])
const counts = { ok: {}, expected: {}, unexpected: {} }
const unexpectedSamples = []
const bump = (bucket, key) => (bucket[key] = (bucket[key] ?? 0) + 1)

const s3 = await S3BlobStore.open({ ...settings.s3, prefix: settings.prefix })
const blobs = withRetry(s3, { attempts: 6, baseDelayMs: 100, maxDelayMs: 2000 })
const leases = new RedisLeaseManager({
  redis: { ...settings.redis, retryStrategy: () => 200 },
  keyPrefix: settings.keyPrefix,
  tokenFloor: new RegistryTokenFloor(blobs),
  checkIntervalMs: 2000,
  logger: { warn: () => undefined },
})
const store = new VolumeStore({ blobs, leases, quota: { bytesPerGb: settings.bytesPerGb } })
const mounts = Object.fromEntries(settings.volumes.map((name, i) => [`/v${i}`, name]))

const pick = (n) => Math.floor(Math.random() * n)
const dir = () => `/d${pick(4)}`
const file = () => `${dir()}/f${pick(12)}`
const operations = {
  write: (v) => v.writeFile(file(), randomBytes(1 + pick(96 * KiB))),
  append: async (v) => {
    const path = file()
    const old = await v.readFile(path, { format: 'bytes' })
    await v.writeFile(path, Buffer.concat([old, randomBytes(1 + pick(8 * KiB))]))
  },
  read: (v) => v.readFile(file(), { format: 'bytes' }),
  remove: (v) => v.remove(file()),
  rename: (v) => v.rename(file(), file()),
  makeDir: (v) => v.makeDir(dir()),
  removeDir: (v) => v.remove(dir(), { recursive: true }),
  list: (v) => v.list(dir()),
}
const weights = [['write', 30], ['append', 8], ['read', 20], ['remove', 12], ['rename', 10], ['makeDir', 10], ['removeDir', 3], ['list', 7]]
const total = weights.reduce((sum, [, w]) => sum + w, 0)
function chooseOp() {
  let at = pick(total)
  for (const [name, weight] of weights) if ((at -= weight) < 0) return name
  return 'read'
}

let attachment
let attachments = 0
async function attached() {
  if (attachment && !attachment.signal.aborted) return attachment
  await attachment?.release().catch(() => undefined)
  attachment = undefined
  while (!stopping) {
    try {
      attachment = await store.attach(`${settings.holderId}`, mounts, { mode: 'shared', ttlMs: 6000 })
      attachments++
      return attachment
    } catch (error) {
      bump(counts.expected, `attach:${error.code ?? error.name}`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  return undefined
}

const fds = () => readdirSync('/proc/self/fd').length
const report = () => process.send?.({ type: 'stats', pid: process.pid, rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, fds: fds(), attachments, counts, unexpectedSamples })
const timer = setInterval(report, settings.reportEveryMs)

while (!stopping) {
  const current = await attached()
  if (!current) break
  const op = chooseOp()
  const volume = current.volume(`/v${pick(settings.volumes.length)}`)
  try {
    await operations[op](volume)
    bump(counts.ok, op)
  } catch (error) {
    const code = error?.code ?? error?.name ?? 'unknown'
    if (expected.has(code)) bump(counts.expected, `${op}:${code}${error.reason ? `/${error.reason}` : ''}`)
    else {
      bump(counts.unexpected, `${op}:${code}`)
      if (unexpectedSamples.length < 10) unexpectedSamples.push(`${op}: ${String(error?.message ?? error).slice(0, 300)}`)
    }
  }
}
clearInterval(timer)
report()
await attachment?.release().catch(() => undefined)
await leases.close().catch(() => undefined)
s3.destroy()
process.exit(0)
