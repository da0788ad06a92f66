import { execFile } from 'node:child_process'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { findBinary, mountFuse, type FuseMount, type MinioService } from '@volumes/testkit'
import { TEST_BUCKET } from './fixture.js'

const run = promisify(execFile)

/** A mount with the directory it lives in removed on unmount. */
export interface ToolMount extends FuseMount {
  /** Unmounts and removes the temporary directory. */
  dispose(): Promise<void>
}

/** Mounts `<bucket>:/<prefix>` with s3fs in the foreground; a fresh mount has an empty stat cache. */
export async function mountS3fs(service: MinioService, prefix: string, extra: readonly string[] = []): Promise<ToolMount> {
  const dir = await mkdtemp(join(tmpdir(), 's3fs-'))
  const mountpoint = join(dir, 'mnt')
  const passwd = join(dir, 'passwd')
  await writeFile(passwd, `${service.accessKeyId}:${service.secretAccessKey}\n`)
  await chmod(passwd, 0o600)
  await mkdir(mountpoint)
  const options = [`url=${service.endpoint}`, 'use_path_request_style', `passwd_file=${passwd}`, 'dbglevel=warn', ...extra].join(',')
  const mounted = await mountFuse(findBinary('s3fs')!, [`${TEST_BUCKET}:/${prefix.replace(/\/$/, '')}`, mountpoint, '-f', '-o', options], mountpoint)
  return {
    ...mounted,
    async dispose() {
      await mounted.unmount()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Runs rclone against the MinIO through an on-the-fly remote `m:` (no config file). */
export async function rcloneRun(service: MinioService, args: readonly string[], input?: string): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RCLONE_CONFIG: '/dev/null',
    RCLONE_CONFIG_M_TYPE: 's3',
    RCLONE_CONFIG_M_PROVIDER: 'Minio',
    RCLONE_CONFIG_M_ENDPOINT: service.endpoint,
    RCLONE_CONFIG_M_ACCESS_KEY_ID: service.accessKeyId,
    RCLONE_CONFIG_M_SECRET_ACCESS_KEY: service.secretAccessKey,
  }
  delete env.AWS_CA_BUNDLE
  const rclone = findBinary('rclone')!
  if (input === undefined) return (await run(rclone, [...args], { env })).stdout
  return new Promise((resolve, reject) => {
    const child = execFile(rclone, [...args], { env }, (error, stdout) => (error ? reject(error) : resolve(stdout)))
    child.stdin?.end(input)
  })
}
