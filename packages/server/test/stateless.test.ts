import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { describeWithService, provideService, startMinio, startRedis, type MinioService, type RedisService } from '@volumes/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'

const repo = fileURLToPath(new URL('../../..', import.meta.url))
const bin = `${repo}packages/cli/dist/bin.js`
const KEY = 'stateless-key-0123456789abcdef'
const BUCKET = 'volumes-server-test'

const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
const redis = (await provideService('redis-server', () => startRedis())) as RedisService | undefined

/** One `volumes serve` process. */
interface ServeProcess {
  readonly child: ChildProcess
  readonly url: string
  output(): string
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>
}

async function serve(name: string, storeUrl: string, endpoint: string, redisUrl: string, credentials: { accessKeyId: string; secretAccessKey: string; region: string }): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--store', storeUrl, '--s3-endpoint', endpoint, '--redis', redisUrl, '--api-key', KEY], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_REGION: credentials.region, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const deadline = Date.now() + 30_000
  while (!/listening on http:\/\/\S+/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${name} did not start: ${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const url = /listening on (http:\/\/\S+)/.exec(output)![1]!
  return {
    child,
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
}

const api = async (base: string, method: string, path: string, body?: unknown, key = KEY): Promise<{ status: number; body: any }> => {
  const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}` }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) })
  const text = await response.text()
  return { status: response.status, body: text ? (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) : undefined }
}

describeWithService('two server processes over one MinIO (stateless)', minio, (minioService) => {
  describeWithService('and one redis-server', redis, (redisService) => {
    const service = minioService as MinioService
    const processes: ServeProcess[] = []
    let a: ServeProcess
    let b: ServeProcess

    beforeAll(async () => {
      execFileSync(process.execPath, [`${repo}node_modules/typescript/bin/tsc`, '-b', `${repo}packages/cli`], { stdio: 'inherit' })
      const client = new S3Client({ endpoint: service.endpoint, region: service.region, credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey }, forcePathStyle: true })
      await client.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((error: { name?: string }) => {
        if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error
      })
      client.destroy()
      const storeUrl = `s3://${BUCKET}/run-${randomBytes(4).toString('hex')}`
      const credentials = { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey, region: service.region }
      a = await serve('process A', storeUrl, service.endpoint, redisService.url, credentials)
      processes.push(a)
      b = await serve('process B', storeUrl, service.endpoint, redisService.url, credentials)
      processes.push(b)
    }, 120_000)

    afterAll(async () => {
      for (const process_ of processes) await process_.stop()
      await redis?.stop()
      await minio?.stop()
    })

    it('behave as one: an attach on one conflicts (423) on the other; tokens and renewals cross over', async () => {
      expect(a.url).not.toBe(b.url)
      const created = await api(a.url, 'POST', '/volumes', { name: 'shared' })
      expect(created.status).toBe(201)
      expect(await api(b.url, 'GET', '/volumes/shared')).toMatchObject({ status: 200, body: { volumeId: created.body.volumeId } })

      const attached = await api(a.url, 'POST', '/attachments', { holderId: 'sandbox-a', mounts: { '/data': 'shared' }, ttlMs: 30_000 })
      expect(attached.status).toBe(201)
      const conflict = await api(b.url, 'POST', '/attachments', { holderId: 'sandbox-b', mounts: { '/data': 'shared' } })
      expect(conflict).toMatchObject({ status: 423, body: { error: { code: 'EBUSY', reason: 'VolumeAttached' } } })
      expect((await api(b.url, 'GET', '/volumes/shared/attachments')).body).toMatchObject([{ holderId: 'sandbox-a', mode: 'exclusive' }])
      expect((await api(b.url, 'DELETE', '/volumes/shared')).status).toBe(423)

      const token = attached.body.mounts[0].token as string
      expect((await api(b.url, 'PUT', '/volumes/shared/files/hello.txt', 'written through B with A’s token', token)).status).toBe(201)
      expect((await api(a.url, 'GET', '/volumes/shared/files/hello.txt', undefined, token)).body).toBe('written through B with A’s token')

      const renewed = await api(b.url, 'POST', '/attachments/sandbox-a/renew', { ttlMs: 60_000 })
      expect(renewed).toMatchObject({ status: 200, body: { holderId: 'sandbox-a', mounts: [{ path: '/data', name: 'shared' }] } })
      expect((await api(a.url, 'POST', '/attachments', { holderId: 'sandbox-b', mounts: { '/data': 'shared' } })).status).toBe(423)

      expect((await api(b.url, 'DELETE', '/attachments/sandbox-a')).status).toBe(204)
      expect((await api(a.url, 'PUT', '/volumes/shared/files/late.txt', 'x', token)).status).toBe(423)
      expect((await api(a.url, 'POST', '/attachments', { holderId: 'sandbox-b', mounts: { '/data': 'shared' } })).status).toBe(201)
    })

    it('a process stopped with SIGTERM drains, releases the leases it granted, and exits 0', async () => {
      expect((await api(b.url, 'GET', '/volumes/shared/attachments')).body).toMatchObject([{ holderId: 'sandbox-b' }])
      expect(await a.stop()).toBe(0)
      expect(a.output()).toMatch(/released 1 lease/)
      expect((await api(b.url, 'GET', '/volumes/shared/attachments')).body).toEqual([])
      expect((await api(b.url, 'POST', '/attachments', { holderId: 'sandbox-c', mounts: { '/data': 'shared' } })).status).toBe(201)
      expect(await b.stop()).toBe(0)
    })
  })
})
