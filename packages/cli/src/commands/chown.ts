import { parseVolumeLocation } from '../address.js'
import { expectPositionals } from '../args.js'
import { defineCommand } from '../command.js'
import { parseOwner } from '../mode-args.js'

/** `volumes chown <uid>[:<gid>] <volume>:<path>...` */
export const chown = defineCommand({
  name: 'chown',
  group: 'files',
  summary: 'Change owner and group (numeric ids)',
  usage: '<uid>[:<gid>] <volume>:<path>...',
  details: ['Example: volumes chown 1000:1000 my-vol:/home'],
  options: {},
  async run(context, { positionals }) {
    expectPositionals(positionals, 'chown', 2, Number.POSITIVE_INFINITY, positionals.length === 0 ? 'owner' : '<volume>:<path>')
    const owner = parseOwner(positionals[0]!, 'chown')
    for (const location of positionals.slice(1).map((argument) => parseVolumeLocation(argument, 'chown'))) {
      await (await context.volume(location.volume)).updateMetadata(location.path, owner)
    }
  },
})
