import { parseVolumeLocation } from '../address.js'
import { defineCommand } from '../command.js'
import { UsageError } from '../errors.js'
import { parseOctalMode } from '../mode-args.js'

/** `volumes mkdir [-p] [-m MODE] <volume>:<path>...` */
export const mkdir = defineCommand({
  name: 'mkdir',
  group: 'files',
  summary: 'Create directories',
  usage: '[-p] [-m MODE] <volume>:<path>...',
  options: {
    parents: { type: 'boolean', short: 'p', description: 'Create missing parents; an existing directory is fine' },
    mode: { type: 'string', short: 'm', valueName: 'MODE', description: 'Permission bits in octal (default 0755)' },
  },
  async run(context, { values, positionals }) {
    if (positionals.length === 0) throw new UsageError('missing <volume>:<path>', 'mkdir')
    const mode = values.mode === undefined ? undefined : parseOctalMode(values.mode, 'mkdir')
    for (const location of positionals.map((argument) => parseVolumeLocation(argument, 'mkdir'))) {
      await (await context.volume(location.volume)).makeDir(location.path, { force: values.parents === true, mode })
    }
  },
})
