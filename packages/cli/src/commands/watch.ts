import type { ChangeItem, VolumeWatch } from '@volumes/core'
import { parseVolumeLocation } from '../address.js'
import { defineCommand, type CommandContext } from '../command.js'
import { UsageError } from '../errors.js'
import { blobStoreFromUrl, resolveStoreUrl } from '../store-from-url.js'
import { redisOptionsOf } from './serve.js'

/** One line per event: `create file /a`, `rename file /b <- /a`, `gap ...`. */
export function formatWatchLine(item: ChangeItem): string {
  if (item.type === 'gap') return `${item.at.toISOString()} gap: events were lost here; re-read the tree (cursor ${item.cursor})`
  return `${item.at.toISOString()} ${item.type} ${item.entryType} ${item.path}${item.oldPath ? ` <- ${item.oldPath}` : ''}`
}

/** `volumes watch [-r] <volume>:<path>` */
export const watch = defineCommand({
  name: 'watch',
  group: 'files',
  summary: 'Print one line per change under a directory, as it happens (Ctrl-C ends)',
  usage: '[-r] [--json] [--since CURSOR] [--redis URL] <volume>:<path>',
  details: [
    'Through the HTTP API when VOLUMES_API_URL and VOLUMES_API_KEY are set (the server\'s events, resumed',
    'after a lost connection); otherwise on the store and the Redis change feed its writers use',
    '(--redis or $VOLUMES_REDIS_URL). Changes made behind the library\'s back (s3fs on the bucket) are not seen.',
    'Example: volumes watch -r my-vol:/src',
  ],
  options: {
    recursive: { type: 'boolean', short: 'r', description: 'Also changes in subdirectories' },
    json: { type: 'boolean', description: 'One JSON object per line, with its cursor' },
    since: { type: 'string', valueName: 'CURSOR', description: 'Resume after this cursor (printed by --json)' },
    redis: { type: 'string', valueName: 'URL', description: 'Redis of the change feed (default: $VOLUMES_REDIS_URL)' },
  },
  async run(context, { values, positionals }) {
    if (positionals.length !== 1) throw new UsageError('give one <volume>:<path>', 'watch')
    const location = parseVolumeLocation(positionals[0]!, 'watch')
    const options = { recursive: values.recursive === true, since: values.since, signal: context.signal }
    const { watch: running, close } = await open(context, location.volume, location.path, options, values.redis, values.store)
    try {
      await running.ready
      context.note(`watching ${location.volume}:${location.path}${options.recursive ? ' (recursive)' : ''}; Ctrl-C ends`)
      for await (const item of running) {
        context.print(values.json ? JSON.stringify(item) : formatWatchLine(item))
      }
    } finally {
      await running.close()
      await close()
    }
  },
})

async function open(context: CommandContext, volume: string, path: string, options: { recursive: boolean; since?: string | undefined; signal?: AbortSignal | undefined }, redisFlag: string | undefined, storeFlag: string | undefined): Promise<{ watch: VolumeWatch; close(): Promise<void> }> {
  const { env } = context.io
  const redisUrl = redisFlag ?? (env.VOLUMES_REDIS_URL || undefined)
  if (redisUrl === undefined && env.VOLUMES_API_URL) {
    const { Volume } = await import('@volumes/client')
    const remote = await Volume.connect(volume, { apiUrl: env.VOLUMES_API_URL, ...(env.VOLUMES_API_KEY ? { apiKey: env.VOLUMES_API_KEY } : {}), signal: options.signal })
    return { watch: remote.watch(path, options), close: async () => undefined }
  }
  if (redisUrl === undefined) {
    throw new UsageError('watch needs the server (VOLUMES_API_URL and VOLUMES_API_KEY) or the Redis of the change feed (--redis, VOLUMES_REDIS_URL): a store alone sees no other process', 'watch')
  }
  const [{ RedisChangeFeed }, { VolumeStore }] = await Promise.all([import('@volumes/redis'), import('@volumes/core')])
  const changes = new RedisChangeFeed({ redis: redisOptionsOf(redisUrl) })
  try {
    const blobs = await blobStoreFromUrl(resolveStoreUrl(storeFlag, env, context.io.cwd).url)
    const opened = await new VolumeStore({ blobs, changes }).connect(volume)
    return { watch: opened.watch(path, options), close: () => changes.close() }
  } catch (error) {
    await changes.close()
    throw error
  }
}
