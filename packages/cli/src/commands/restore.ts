import { expectPositionals } from '../args.js'
import { defineCommand } from '../command.js'

/** `volumes restore <volume> <snapshot-id>` */
export const restore = defineCommand({
  name: 'restore',
  group: 'volumes',
  summary: "Make a volume's content a snapshot's",
  usage: '<volume> <snapshot-id>',
  details: ['Refused while another holder has the volume attached (EBUSY). After it returns, the volume is exactly the snapshot.'],
  options: {},
  async run(context, { positionals }) {
    expectPositionals(positionals, 'restore', 2, 2, 'volume and snapshot id')
    const store = await context.store()
    const volume = await store.connect(positionals[0]!)
    const info = await volume.restore(positionals[1]!, context.signalOption)
    context.print(`restored volume ${volume.name} to ${info.snapshotId} (${info.files} files, ${info.bytes} bytes)`)
  },
})
