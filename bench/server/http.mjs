// Issue 6 benchmark: requests per second for 4 KiB writes and reads over HTTP on loopback
// (autocannon against the server in its own process) vs the same operations called
// directly on the library in this process, in the same run, on the same local-disk store.
// Every phase is bounded in time (BENCH_SECONDS, default 10); phases alternate over
// BENCH_ROUNDS rounds (default 2) and each side keeps its best round, because the machine
// is shared. Also reports CPU per operation: this process for direct calls, the server
// process for HTTP (autocannon's own CPU is not counted). Target: HTTP ≥ 0.6 × direct.
// BENCH_FSYNC=0 adds rows with the store's fsync off; BENCH_LOG=0 turns the request log off.
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { VolumeStore } from '../../packages/core/dist/index.js'
import { LocalBlobStore } from '../../packages/local/dist/index.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
const FILES = 1000
const SIZE = 4096
const KEY = `bench-${randomBytes(12).toString('hex')}`
const payload = randomBytes(SIZE)
const fsyncModes = process.env.BENCH_FSYNC === '0' ? ['1', '0'] : ['1']
const cpuMicros = (usage) => usage.user + usage.system

/** Runs `op(i)` from `CONNECTIONS` concurrent loops for `SECONDS`. */
async function direct(op) {
  const deadline = performance.now() + SECONDS * 1000
  const latencies = []
  let next = 0
  let errors = 0
  const loop = async () => {
    while (performance.now() < deadline) {
      const started = performance.now()
      try {
        await op(next++ % FILES)
      } catch {
        errors++
      }
      latencies.push(performance.now() - started)
    }
  }
  const cpu = process.cpuUsage()
  const started = performance.now()
  await Promise.all(Array.from({ length: CONNECTIONS }, loop))
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors, cpuPerOp: cpuMicros(process.cpuUsage(cpu)) / latencies.length }
}

/** The server process's CPU time so far. */
function serverCpu(child) {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(cpuMicros(message.cpu)))
    child.send('cpu')
  })
}

/** autocannon for `SECONDS` with `CONNECTIONS` connections; each request names the next of FILES paths. */
async function overHttp(child, url, method) {
  let next = 0
  const before = await serverCpu(child)
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/octet-stream' },
      ...(method === 'PUT' ? { body: payload } : {}),
      setupRequest: (request) => ({ ...request, path: `/volumes/bench/files/bench/f${next++ % FILES}` }),
    }],
  })
  const cpu = (await serverCpu(child)) - before
  const ok = result['2xx']
  return { rps: ok / (result.duration || SECONDS), p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors + result.timeouts, cpuPerOp: cpu / Math.max(1, ok) }
}

const best = (results) => results.reduce((a, b) => (b.rps > a.rps ? b : a))
const rows = []
for (const fsync of fsyncModes) {
  const root = mkdtempSync(join(tmpdir(), 'volumes-bench-server-'))
  const child = fork(fileURLToPath(new URL('./_server.mjs', import.meta.url)), [root, KEY, fsync], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const { url } = await new Promise((resolve, reject) => {
    child.once('message', resolve)
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  const created = await fetch(`${url}/volumes`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ name: 'bench', sizeGb: 10 }) })
  if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`)
  const store = new VolumeStore({ blobs: new LocalBlobStore({ root, fsync: fsync !== '0' }) })
  const volume = await store.connect('bench')
  for (let i = 0; i < FILES; i++) await volume.writeFile(`/bench/f${i}`, payload)

  const runs = { directWrite: [], httpWrite: [], directRead: [], httpRead: [] }
  for (let round = 0; round < ROUNDS; round++) {
    runs.directWrite.push(await direct((i) => volume.writeFile(`/bench/f${i}`, payload)))
    runs.httpWrite.push(await overHttp(child, url, 'PUT'))
    runs.directRead.push(await direct((i) => volume.readFile(`/bench/f${i}`, { format: 'bytes' })))
    runs.httpRead.push(await overHttp(child, url, 'GET'))
  }
  const label = fsync === '1' ? 'fsync on (default)' : 'fsync off'
  rows.push([`4 KiB write, ${label}`, best(runs.directWrite), best(runs.httpWrite)], [`4 KiB read, ${label}`, best(runs.directRead), best(runs.httpRead)])

  child.send('stop')
  await new Promise((resolve) => child.once('exit', resolve))
  rmSync(root, { recursive: true, force: true })
}

const fmt = (n) => Math.round(n).toLocaleString('en-US')
const ms = (n) => n.toFixed(1)
console.log(`server over loopback vs library direct: ${SECONDS} s per phase, best of ${ROUNDS} alternating rounds, ${CONNECTIONS} connections / concurrent loops, ${FILES} files of ${SIZE} B, local-disk store`)
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`)
console.log('| operation | direct ops/s | HTTP req/s | HTTP / direct | CPU µs/op direct / server | p50 / p99 ms direct | p50 / p99 ms HTTP | errors |')
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const [name, d, h] of rows) {
  console.log(`| ${name} | ${fmt(d.rps)} | ${fmt(h.rps)} | ${(h.rps / d.rps).toFixed(2)} | ${fmt(d.cpuPerOp)} / ${fmt(h.cpuPerOp)} | ${ms(d.p50)} / ${ms(d.p99)} | ${ms(h.p50)} / ${ms(h.p99)} | ${d.errors + h.errors} |`)
}
