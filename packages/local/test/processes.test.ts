import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { LocalBlobStore } from '@volumes/local'
import { Layout } from '../src/layout.js'
import { hostTag } from '../src/process-identity.js'
import { freshRoot, listAll, read, text } from './helpers.js'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const worker = join(packageDir, 'test/fixtures/worker.mjs')

interface WorkerResult { ok: boolean; code?: string; pid?: number; retries?: number; started?: boolean }

/** Runs the worker to completion and returns the JSON line it printed. */
function runWorker(...args: string[]): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`worker exited with ${code}: ${err}`))
      resolve(JSON.parse(out.trim().split('\n').pop()!) as WorkerResult)
    })
  })
}

/** A PID that certainly belongs to no running process: one that just exited. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString())
}

beforeAll(() => {
  // The workers import the built package: build it (incrementally) from the sources under test.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  try {
    execFileSync(process.execPath, [tsc, '-b', packageDir], { stdio: 'pipe' })
  } catch (error) {
    if (!existsSync(join(packageDir, 'dist/index.js'))) throw error
    console.warn(`tsc -b failed, the workers use the existing dist: ${String((error as { stdout?: unknown }).stdout)}`)
  }
}, 180_000)

describe('LocalBlobStore across processes', () => {
  it('exactly one of several processes wins a concurrent ifNoneMatch create', async () => {
    const root = freshRoot()
    for (let round = 0; round < 3; round++) {
      const key = `race/key-${round}`
      const startAt = String(Date.now() + 1500)
      const results = await Promise.all(Array.from({ length: 6 }, () => runWorker('create', root, key, startAt)))
      const winners = results.filter((r) => r.ok)
      expect(winners).toHaveLength(1)
      expect(results.filter((r) => !r.ok).map((r) => r.code)).toEqual(Array(5).fill('EPRECONDITION'))
      expect(await read(new LocalBlobStore({ root }), key)).toBe(`writer ${winners[0]!.pid}`)
    }
  }, 60_000)

  it('ifMatch read-modify-write from several processes loses no update', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('cas/counter', text('0'))
    const results = await Promise.all(Array.from({ length: 4 }, () => runWorker('increment', root, 'cas/counter', '25')))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(await read(store, 'cas/counter')).toBe('100')
  }, 60_000)

  it('a process killed mid-write leaves the old content and an invisible temporary file, swept on the next start', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('crash/file', text('old content'), { metadata: { keep: 'me' } })
    const before = await store.head('crash/file')
    const child = spawn(process.execPath, [worker, 'stall', root, 'crash/file'], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve())
      child.on('exit', () => reject(new Error('worker exited early')))
    })
    const tmpDir = new Layout(root).tmpDir
    for (let i = 0; i < 100 && readdirSync(tmpDir).length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    expect(readdirSync(tmpDir)).toHaveLength(1)
    child.kill('SIGKILL')
    await new Promise((resolve) => child.on('close', resolve))
    expect(readFileSync(join(root, 'crash/file'), 'utf8')).toBe('old content')
    expect(await store.head('crash/file')).toEqual(before)
    expect(await listAll(store, '')).toEqual(['crash/file'])
    const restarted = new LocalBlobStore({ root })
    await restarted.put('crash/other', text('x'))
    expect(readdirSync(tmpDir)).toEqual([])
    expect(await read(restarted, 'crash/file')).toBe('old content')
  }, 30_000)

  it('breaks a lock left by a dead process of this host at once', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root })
    await store.put('lock/key', text('v1'))
    const lockPath = new Layout(root).locateTrusted('lock/key').lockPath
    symlinkSync(`${hostTag()}.${deadPid()}.${Date.now()}`, lockPath)
    const started = Date.now()
    await store.put('lock/key', text('v2'))
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(await read(store, 'lock/key')).toBe('v2')
    expect(existsSync(lockPath)).toBe(false)
  })

  it('breaks a lock of another host once it is older than lockStaleMs, and waits for a fresh one', async () => {
    const root = freshRoot()
    const store = new LocalBlobStore({ root, lockStaleMs: 300 })
    await store.put('lock/key', text('v1'))
    const lockPath = new Layout(root).locateTrusted('lock/key').lockPath
    symlinkSync(`otherhost000.1.${Date.now()}`, lockPath)
    const started = Date.now()
    await store.put('lock/key', text('v2'))
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(await read(store, 'lock/key')).toBe('v2')
  })
})
