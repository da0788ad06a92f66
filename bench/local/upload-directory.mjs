// Issue 2 benchmark: upload 2,000 files of 4 KiB into a local-disk volume with
// uploadDirectory, against (a) the seeds' sequential loop over the same API and
// (b) `cp -r` of the same tree on the same disk (the physical limit).
// Prints a table of ratios measured in this one run.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { VolumeStore } from '../../packages/core/dist/index.js'
import { LocalBlobStore } from '../../packages/local/dist/index.js'

const FILES = Number(process.env.BENCH_FILES ?? 2000)
const SIZE = 4096
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONCURRENCY = 32

const work = mkdtempSync(join(tmpdir(), 'volumes-bench-local-'))
const source = join(work, 'source')
for (let i = 0; i < FILES; i++) {
  const dir = join(source, `d${i % 20}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `f${i}.bin`), Buffer.alloc(SIZE, i % 251))
}

async function time(fn) {
  const started = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - started) / 1e9
}

/** The seeds' loop: for each file, read it whole and await writeFile before the next. */
async function sequentialLoop(volume, dir, remote) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) await sequentialLoop(volume, full, `${remote}/${name}`)
    else await volume.writeFile(`${remote}/${name}`, readFileSync(full))
  }
}

const results = { uploadDirectory: [], noFsync: [], sequential: [], cp: [] }
for (let round = 0; round < ROUNDS; round++) {
  const root = join(work, `store-${round}`)
  const store = new VolumeStore({ blobs: new LocalBlobStore({ root }) })
  const volume = await store.create(`bench-${round}`, { sizeGb: 10 })
  results.uploadDirectory.push(await time(() => volume.uploadDirectory(source, '/up', { concurrency: CONCURRENCY })))
  const relaxed = await new VolumeStore({ blobs: new LocalBlobStore({ root: `${root}-nofsync`, fsync: false }) }).create(`bench-${round}`, { sizeGb: 10 })
  results.noFsync.push(await time(() => relaxed.uploadDirectory(source, '/up', { concurrency: CONCURRENCY })))
  rmSync(`${root}-nofsync`, { recursive: true, force: true })
  results.sequential.push(await time(() => sequentialLoop(volume, source, '/seq')))
  results.cp.push(await time(() => execFileSync('cp', ['-r', source, join(work, `cp-${round}`)])))
  rmSync(root, { recursive: true, force: true })
  rmSync(join(work, `cp-${round}`), { recursive: true, force: true })
}
rmSync(work, { recursive: true, force: true })

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const up = median(results.uploadDirectory)
const seq = median(results.sequential)
const relaxed = median(results.noFsync)
const cp = median(results.cp)
const rate = (s) => `${Math.round(FILES / s)} files/s`
console.log(`local disk: ${FILES} files × ${SIZE / 1024} KiB, median of ${ROUNDS} rounds, concurrency ${CONCURRENCY}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`)
console.log('| method | seconds | throughput | ratio |')
console.log('| --- | ---: | ---: | ---: |')
console.log(`| uploadDirectory (fsync on) | ${up.toFixed(2)} | ${rate(up)} | 1.00 |`)
console.log(`| uploadDirectory (fsync off) | ${relaxed.toFixed(2)} | ${rate(relaxed)} | ${(up / relaxed).toFixed(2)}× of fsync on |`)
console.log(`| sequential writeFile loop (seeds) | ${seq.toFixed(2)} | ${rate(seq)} | uploadDirectory is ${(seq / up).toFixed(1)}× faster |`)
console.log(`| cp -r (no fsync, physical limit) | ${cp.toFixed(3)} | ${rate(cp)} | uploadDirectory reaches ${(cp / up).toFixed(2)}× of cp |`)
