import { parseVolumeLocation } from '../address.js'
import { expectPositionals } from '../args.js'
import { defineCommand } from '../command.js'
import { parseOctalMode } from '../mode-args.js'

/** `volumes chmod <octal> <volume>:<path>...` */
export const chmod = defineCommand({
  name: 'chmod',
  group: 'files',
  summary: 'Change permission bits',
  usage: '<octal-mode> <volume>:<path>...',
  details: ['Example: volumes chmod 600 my-vol:/secrets.env'],
  options: {},
  async run(context, { positionals }) {
    expectPositionals(positionals, 'chmod', 2, Number.POSITIVE_INFINITY, positionals.length === 0 ? 'mode' : '<volume>:<path>')
    const mode = parseOctalMode(positionals[0]!, 'chmod')
    for (const location of positionals.slice(1).map((argument) => parseVolumeLocation(argument, 'chmod'))) {
      await (await context.volume(location.volume)).updateMetadata(location.path, { mode })
    }
  },
})
