import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { commands } from '../src/index.js'
import { resolveStoreUrl } from '../src/store-from-url.js'
import { sandbox, type Sandbox } from './helpers.js'

let box: Sandbox
beforeEach(async () => {
  box = await sandbox()
})
afterEach(async () => {
  await box.dispose()
})

describe('help', () => {
  it('--help lists every command, on stdout, exit 0', async () => {
    const result = await box.run(['--help'])
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^Usage: volumes <command>/)
    for (const command of commands) expect(result.stdout).toContain(`  ${command.name} `)
    expect(await box.run(['help'])).toEqual(result)
  })

  it('each command has --help', async () => {
    for (const command of commands) {
      const result = await box.run([command.name, '--help'])
      expect(result.status).toBe(0)
      expect(result.stdout).toMatch(new RegExp(`^Usage: volumes ${command.name}`))
      expect(await box.run(['help', command.name])).toEqual(result)
    }
    expect((await box.run(['ls', '-h'])).stdout).toContain('-l, --long')
  })

  it('no command prints help on stderr with exit 2; --version prints the version', async () => {
    const result = await box.run([])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/^Usage: volumes/)
    expect((await box.run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})

describe('usage errors (exit 2, one line)', () => {
  it('an unknown command', async () => {
    expect(await box.run(['frobnicate'])).toEqual({ status: 2, stdout: '', stderr: "volumes: unknown command 'frobnicate' (see 'volumes --help')\n" })
    expect((await box.run(['help', 'frobnicate'])).status).toBe(2)
  })

  it('an unknown option, a missing option value, an extra argument', async () => {
    expect(await box.run(['ls', '--color', 'v:/'])).toEqual({ status: 2, stdout: '', stderr: "volumes: unknown option '--color' (see 'volumes ls --help')\n" })
    const missingValue = await box.run(['ls', 'v:/', '--depth'])
    expect(missingValue.status).toBe(2)
    expect(missingValue.stderr.split('\n')).toHaveLength(2)
    expect((await box.run(['info', 'a', 'b'])).stderr).toBe("volumes: unexpected argument 'b' (see 'volumes info --help')\n")
  })
})

describe('store selection', () => {
  it('takes --store, then VOLUMES_STORE, then VOLUMES_HOME, then ~/.volumes/data', () => {
    const env = { VOLUMES_STORE: 'file:///from/env', VOLUMES_HOME: '/home/vols', HOME: '/home/me' }
    expect(resolveStoreUrl('file:///flag', env, '/cwd')).toMatchObject({ source: '--store', url: new URL('file:///flag') })
    expect(resolveStoreUrl(undefined, env, '/cwd')).toMatchObject({ source: 'VOLUMES_STORE', url: new URL('file:///from/env') })
    expect(resolveStoreUrl(undefined, { VOLUMES_HOME: '/home/vols' }, '/cwd')).toMatchObject({ source: 'VOLUMES_HOME', url: pathToFileURL('/home/vols') })
    expect(resolveStoreUrl(undefined, { HOME: '/home/me' }, '/cwd')).toMatchObject({ source: 'default', url: pathToFileURL('/home/me/.volumes/data') })
    expect(resolveStoreUrl('relative/dir', {}, '/cwd').url.href).toBe('file:///cwd/relative/dir')
  })

  it('--store file:// and a plain path use that directory', async () => {
    const url = pathToFileURL(`${box.root}/other`).href
    expect((await box.run(['create', 'elsewhere', '--store', url])).status).toBe(0)
    expect((await box.run(['list', '--json'])).stdout).toBe('[]\n')
    expect(JSON.parse((await box.run(['list', '--json', '--store', `${box.root}/other`])).stdout)).toHaveLength(1)
    expect(JSON.parse((await box.run(['list', '--json'], { env: { VOLUMES_STORE: url } })).stdout)).toHaveLength(1)
  })

  it('a scheme whose adapter is not wired in names the package to install (ENOTSUP, exit 1)', async () => {
    const { registerStoreScheme } = await import('../src/index.js')
    registerStoreScheme('x-test', { packageName: '@volumes/x-test', example: 'x-test://bucket' })
    const result = await box.run(['list', '--store', 'x-test://bucket/prefix'])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^volumes: ENOTSUP: x-test:\/\/ stores need the @volumes\/x-test adapter, .*, store 'x-test:\/\/bucket\/prefix'\n$/)
  })

  it('s3://, r2:// and gs:// are wired in: a URL without its bucket is a usage error', async () => {
    expect((await box.run(['list'], { env: { VOLUMES_STORE: 'r2://acct' } }))).toMatchObject({ status: 2, stderr: expect.stringContaining('r2://account/bucket/prefix') })
    expect((await box.run(['list', '--store', 's3:///prefix']))).toMatchObject({ status: 2, stderr: expect.stringContaining('s3://bucket/prefix') })
  })

  it('an unknown scheme is a usage error', async () => {
    expect(await box.run(['list', '--store', 'ftp://host/x'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^volumes: unsupported store URL scheme 'ftp:\/\/'/) })
  })

  it('global options may come before the command', async () => {
    const url = pathToFileURL(`${box.root}/before`).href
    expect((await box.run(['--store', url, 'create', 'early'])).status).toBe(0)
    expect(JSON.parse((await box.run([`--store=${url}`, 'list', '--json'])).stdout)).toMatchObject([{ name: 'early' }])
  })

  it('runCli can be given a VolumeStore to use (embedding)', async () => {
    const { MemoryBlobStore, VolumeStore } = await import('@volumes/core')
    const { runCli } = await import('../src/index.js')
    const { capture } = await import('./helpers.js')
    const store = new VolumeStore({ blobs: new MemoryBlobStore() })
    await store.create('embedded')
    const stdout = capture()
    const status = await runCli(['list', '--json'], { stdout, stderr: capture(), env: {}, cwd: box.work }, { store })
    expect(status).toBe(0)
    expect(JSON.parse(stdout.text())).toMatchObject([{ name: 'embedded' }])
  })

  it('memory:// is a throw-away store', async () => {
    expect(await box.run(['create', 'tmp', '--store', 'memory://'])).toMatchObject({ status: 0 })
  })
})

describe('unexpected errors', () => {
  it('print one line (exit 1); --debug adds the stack', async () => {
    const { defineCommand, runCli } = await import('../src/index.js')
    const { capture } = await import('./helpers.js')
    const broken = defineCommand({ name: 'broken', group: 'files', summary: 'Fails', usage: '', options: {}, run: async () => { throw new TypeError('boom') } })
    const run = async (args: string[]) => {
      const stdout = capture()
      const stderr = capture()
      const status = await runCli(args, { stdout, stderr, env: {}, cwd: box.work }, { commands: [...commands, broken] })
      return { status, stderr: stderr.text() }
    }
    expect(await run(['broken'])).toEqual({ status: 1, stderr: 'volumes: unexpected error: boom (run with --debug for the stack)\n' })
    const debug = await run(['broken', '--debug'])
    expect(debug.status).toBe(1)
    expect(debug.stderr).toMatch(/^volumes: unexpected error: boom\nTypeError: boom\n\s+at /)
  })
})
