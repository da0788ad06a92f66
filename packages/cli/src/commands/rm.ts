import { parseVolumeLocation } from '../address.js'
import { defineCommand } from '../command.js'
import { UsageError } from '../errors.js'

/** `volumes rm [-r] [-f] <volume>:<path>...` */
export const rm = defineCommand({
  name: 'rm',
  group: 'files',
  summary: 'Remove files and directories',
  usage: '[-r] [-f] <volume>:<path>...',
  details: ['A non-empty directory needs -r (ENOTEMPTY otherwise); the volume root cannot be removed.'],
  options: {
    recursive: { type: 'boolean', short: 'r', description: 'Remove directories and everything in them' },
    force: { type: 'boolean', short: 'f', description: 'A missing path is not an error' },
  },
  async run(context, { values, positionals }) {
    if (positionals.length === 0) throw new UsageError('missing <volume>:<path>', 'rm')
    for (const location of positionals.map((argument) => parseVolumeLocation(argument, 'rm'))) {
      const volume = await context.volume(location.volume)
      await volume.remove(location.path, { recursive: values.recursive === true, force: values.force === true, signal: context.signal })
    }
  },
})
