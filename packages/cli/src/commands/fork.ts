import { expectPositionals } from '../args.js'
import { defineCommand } from '../command.js'

/** `volumes fork <snapshot-id> <new-volume> [--size-gb n]` */
export const fork = defineCommand({
  name: 'fork',
  group: 'volumes',
  summary: "Create a new volume with a snapshot's content",
  usage: '<snapshot-id> <new-volume> [--size-gb n]',
  details: ['The new volume is independent: changing it never changes the snapshot or the source. EEXIST when the name is taken.'],
  options: {
    'size-gb': { type: 'string', description: "Size of the new volume in GB (default: the source's)" },
  },
  async run(context, { values, positionals }) {
    expectPositionals(positionals, 'fork', 2, 2, 'snapshot id and new volume name')
    const size = values['size-gb']
    const store = await context.store()
    const volume = await store.fork(positionals[0]!, positionals[1]!, { ...(typeof size === 'string' ? { sizeGb: Number(size) } : {}), ...context.signalOption })
    context.print(`forked ${positionals[0]} into volume ${volume.name} (${volume.volumeId})`)
  },
})
