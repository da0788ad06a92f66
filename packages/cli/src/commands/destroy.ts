import { VolumeError } from '@volumes/core'
import { expectPositionals } from '../args.js'
import { defineCommand } from '../command.js'

/** `volumes destroy <volume> [--force]` */
export const destroy = defineCommand({
  name: 'destroy',
  group: 'volumes',
  summary: 'Delete a volume and everything in it',
  usage: '<volume> [--force]',
  details: ['Refused while the volume is attached (EBUSY) unless --force.'],
  options: {
    force: { type: 'boolean', short: 'f', description: 'Destroy even while attached; a missing volume is not an error' },
  },
  async run(context, { values, positionals }) {
    expectPositionals(positionals, 'destroy', 1, 1, 'volume name or id')
    const name = positionals[0]!
    const store = await context.store()
    const destroyed = await store.destroy(name, { force: values.force === true, ...context.signalOption })
    if (destroyed) return context.print(`destroyed volume ${name}`)
    if (!values.force) throw new VolumeError('ENOENT', { op: 'destroy', path: name, reason: 'VolumeNotFound', detail: `Volume "${name}" not found` })
  },
})
