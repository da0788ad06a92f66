// Child process of bench/server/http.mjs: the HTTP API over a local-disk store, as
// `volumes serve` runs it (pino request log to stdout, Prometheus metrics on).
// argv: <data dir> <api key> <fsync: 1|0>. Sends { url } to the parent once listening,
// { cpu } (process.cpuUsage()) when asked 'cpu'; exits gracefully on 'stop'.
import { VolumeStore } from '../../packages/core/dist/index.js'
import { LocalBlobStore } from '../../packages/local/dist/index.js'
import { startVolumesServer } from '../../packages/server/dist/index.js'

const [root, key, fsync] = process.argv.slice(2)
const store = new VolumeStore({ blobs: new LocalBlobStore({ root, fsync: fsync !== '0' }) })
const server = await startVolumesServer({ store, auth: { apiKeys: { [key]: 'bench' } }, port: 0, ...(process.env.BENCH_LOG === '0' ? { logger: false } : {}) })
process.send({ url: server.url })
process.on('message', async (message) => {
  if (message === 'cpu') process.send({ cpu: process.cpuUsage() })
  if (message === 'stop') {
    await server.close()
    process.exit(0)
  }
})
