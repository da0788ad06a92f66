import { parseLocation, type Location } from '../address.js'
import { parseInteger } from '../args.js'
import { defineCommand } from '../command.js'
import { copyBetweenVolumes } from '../copy/between-volumes.js'
import type { CopyOptions } from '../copy/copy-options.js'
import { downloadFromVolume } from '../copy/download.js'
import { uploadToVolume } from '../copy/upload.js'
import { UsageError } from '../errors.js'

/** `volumes cp [-r] <source>... <destination>` */
export const cp = defineCommand({
  name: 'cp',
  group: 'files',
  summary: 'Copy files and directories: local to volume, volume to local, volume to volume',
  usage: '[-r] [-q] <source>... <destination>',
  details: [
    'Either side is a local path or <volume>:<path>. When the destination is an existing',
    'directory (or ends with /), sources are copied into it, as cp does. Directory copies run',
    'concurrently; on a terminal a progress bar shows on stderr, otherwise one summary line.',
    '',
    'Examples:',
    '  volumes cp -r ./src my-vol:/src',
    '  volumes cp my-vol:/report.pdf .',
    '  volumes cp -r my-vol:/src ./src-copy',
  ],
  options: {
    recursive: { type: 'boolean', short: 'r', description: 'Copy directories and everything in them' },
    quiet: { type: 'boolean', short: 'q', description: 'No progress bar and no summary' },
    concurrency: { type: 'string', valueName: 'N', description: 'Files in flight at once in directory copies (default 16)' },
  },
  async run(context, { values, positionals }) {
    if (positionals.length < 2) throw new UsageError(positionals.length === 0 ? 'missing source and destination' : 'missing destination', 'cp')
    const locations = positionals.map((argument) => parseLocation(argument, 'cp'))
    const destination = locations.pop()!
    const options: CopyOptions = {
      recursive: values.recursive === true,
      intoDirectory: locations.length > 1,
      quiet: values.quiet === true,
      concurrency: values.concurrency === undefined ? undefined : parseInteger(values.concurrency, '--concurrency', 'cp', 1, 256),
    }
    for (const source of locations) await copyOne(source, destination)

    async function copyOne(source: Location, target: Location): Promise<void> {
      if (source.kind === 'local' && target.kind === 'volume') return uploadToVolume(context, source, target, options)
      if (source.kind === 'volume' && target.kind === 'local') return downloadFromVolume(context, source, target, options)
      if (source.kind === 'volume' && target.kind === 'volume') return copyBetweenVolumes(context, source, target, options)
      throw new UsageError(`one side must be a volume path (<volume>:<path>); got '${source.path}' and '${target.path}'`, 'cp')
    }
  },
})
