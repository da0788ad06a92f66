import { setTimeout as sleep } from 'node:timers/promises'
import { VolumeError } from '@volumes/core'
import { expectPositionals } from '../args.js'
import { defineCommand } from '../command.js'

/** Longest wait for the mount process to flush and unmount. */
const WAIT_MS = 120_000

/** `volumes unmount <mountpoint>`: asks the mount's process to flush and unmount; clears a stale mount. */
export const unmount = defineCommand({
  name: 'unmount',
  group: 'volumes',
  summary: 'Unmount a volume mounted with `volumes mount`',
  usage: '<mountpoint>',
  details: [
    'Sends SIGTERM to the `volumes mount` process serving the mountpoint and waits (at most 2 min)',
    'until it has uploaded open files, unmounted and released its lease. A mount whose process is',
    'gone (killed) is detached at once (lazy unmount).',
  ],
  options: {},
  async run(context, { positionals }) {
    expectPositionals(positionals, 'unmount', 1, 1, 'mountpoint')
    const fuse = await import('@volumes/fuse')
    const mountpoint = context.localPath(positionals[0]!)
    const pid = await fuse.mountProcessOf(mountpoint)
    if (pid === undefined) {
      if (!(await fuse.isFuseMounted(mountpoint))) throw new VolumeError('EINVAL', { op: 'unmount', path: mountpoint, reason: 'NotMounted', detail: 'nothing is mounted there' })
      await fuse.detach(mountpoint)
      await fuse.removePidFile(mountpoint)
      return context.print(`detached stale mount ${mountpoint}`)
    }
    process.kill(pid, 'SIGTERM')
    for (const started = performance.now(); await fuse.isFuseMounted(mountpoint) || (await fuse.mountProcessOf(mountpoint)) !== undefined;) {
      if (performance.now() - started > WAIT_MS) throw new VolumeError('ETIMEDOUT', { op: 'unmount', path: mountpoint, detail: `process ${pid} did not unmount within ${WAIT_MS / 1000} s` })
      await sleep(100)
    }
    context.print(`unmounted ${mountpoint}`)
  },
})
