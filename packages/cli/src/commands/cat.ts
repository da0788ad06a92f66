import { pipeline } from 'node:stream/promises'
import { parseVolumeLocation } from '../address.js'
import { defineCommand } from '../command.js'
import { UsageError } from '../errors.js'

/** `volumes cat <volume>:<path>...` */
export const cat = defineCommand({
  name: 'cat',
  group: 'files',
  summary: 'Write files to stdout (streamed, never held in memory)',
  usage: '<volume>:<path>...',
  options: {},
  async run(context, { positionals }) {
    if (positionals.length === 0) throw new UsageError('missing <volume>:<path>', 'cat')
    const locations = positionals.map((argument) => parseVolumeLocation(argument, 'cat'))
    for (const location of locations) {
      const stream = await (await context.volume(location.volume)).createReadStream(location.path, { signal: context.signal })
      await pipeline(stream, context.io.stdout, { end: false, ...context.signalOption })
    }
  },
})
