import { VolumeError } from '../errors/volume-error.js'
import type { VolumeContext } from '../volume/volume-context.js'
import { ChangeRecorder, type RecordedOperation } from './change-recorder.js'

/**
 * Runs one mutation of a volume and publishes the changes it made on the context's change
 * feed, after its requests returned: all of them when it succeeded; when it failed part-way,
 * those of its requests that succeeded (a write that was refused or failed publishes nothing).
 * Without a feed, just runs it.
 */
export async function recordChanges<T>(context: VolumeContext, operation: RecordedOperation, run: (context: VolumeContext) => Promise<T>): Promise<T> {
  const feed = context.changes
  if (!feed) return run(context)
  const recorder = new ChangeRecorder(context.blobs, context.keys)
  let result: T
  try {
    result = await run({ ...context, blobs: recorder.blobs })
  } catch (error) {
    await publish(context, operation, recorder).catch(() => undefined)
    throw error
  }
  await publish(context, operation, recorder)
  return result
}

async function publish(context: VolumeContext, operation: RecordedOperation, recorder: ChangeRecorder): Promise<void> {
  const events = recorder.events(operation)
  if (events.length === 0) return
  try {
    await context.changes!.publish(context.volumeId, events)
  } catch (cause) {
    throw new VolumeError('EIO', {
      op: operation.op,
      path: operation.from ?? events[0]!.path,
      reason: 'ChangesNotPublished',
      detail: 'the change was made, but its events could not be published to the change feed',
      cause,
    })
  }
}
