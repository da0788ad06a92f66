import { baseName } from '@volumes/core'
import { formatLocation, parseVolumeLocation } from '../address.js'
import { defineCommand } from '../command.js'
import { UsageError } from '../errors.js'
import { volumeTarget } from '../targets.js'

/** `volumes mv <volume>:<from>... <volume>:<to>` */
export const mv = defineCommand({
  name: 'mv',
  group: 'files',
  summary: 'Move or rename within one volume',
  usage: '<volume>:<from>... <volume>:<to>',
  details: [
    'When <to> is an existing directory, sources move into it, as mv does.',
    'Object storage has no rename: files are copied on the server, then deleted.',
  ],
  options: {},
  async run(context, { positionals }) {
    if (positionals.length < 2) throw new UsageError(positionals.length === 0 ? 'missing source and destination' : 'missing destination', 'mv')
    const locations = positionals.map((argument) => parseVolumeLocation(argument, 'mv'))
    const destination = locations.pop()!
    const volume = await context.volume(destination.volume)
    for (const source of locations) {
      const sourceVolume = await context.volume(source.volume)
      if (sourceVolume.volumeId !== volume.volumeId) {
        throw new UsageError(`cannot move between volumes: ${formatLocation(source)} -> ${formatLocation(destination)} (use cp, then rm)`, 'mv')
      }
      const target = await volumeTarget(volume, destination, baseName(source.path), { intoDirectory: locations.length > 1, createDirectory: false, op: 'rename' })
      await volume.rename(source.path, target, context.signalOption)
    }
  },
})
