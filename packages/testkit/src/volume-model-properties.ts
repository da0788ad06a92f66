import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isVolumeError, type Volume, type VolumeStore } from '@volumes/core'
import { ReferenceVolume, type Outcome } from './reference-model.js'

const paths = ['/a', '/b', '/a/b', '/a/c', '/b/a', '/a/b/c', '/c']
const pathArb = fc.constantFrom(...paths)

type Operation =
  | { op: 'write'; path: string; content: string }
  | { op: 'read'; path: string }
  | { op: 'mkdir'; path: string; force: boolean }
  | { op: 'remove'; path: string; recursive: boolean }
  | { op: 'rename'; from: string; to: string }
  | { op: 'list'; path: string }

const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), path: pathArb, content: fc.string({ maxLength: 8 }) }),
  fc.record({ op: fc.constant('read' as const), path: pathArb }),
  fc.record({ op: fc.constant('mkdir' as const), path: pathArb, force: fc.boolean() }),
  fc.record({ op: fc.constant('remove' as const), path: pathArb, recursive: fc.boolean() }),
  fc.record({ op: fc.constant('rename' as const), from: pathArb, to: pathArb }),
  fc.record({ op: fc.constant('list' as const), path: fc.constantFrom('/', ...paths) }),
)

async function outcomeOf(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await run() }
  } catch (error) {
    if (isVolumeError(error)) return { code: error.code }
    throw error
  }
}

async function apply(volume: Volume, operation: Operation): Promise<Outcome> {
  switch (operation.op) {
    case 'write': return outcomeOf(async () => (await volume.writeFile(operation.path, operation.content)).size)
    case 'read': return outcomeOf(() => volume.readFile(operation.path))
    case 'mkdir': return outcomeOf(async () => (await volume.makeDir(operation.path, { force: operation.force })).type)
    case 'remove': return outcomeOf(async () => (await volume.remove(operation.path, { recursive: operation.recursive }), true))
    case 'rename': return outcomeOf(async () => (await volume.rename(operation.from, operation.to)).type)
    case 'list': return outcomeOf(async () => (await volume.list(operation.path)).map((e) => `${e.path}:${e.type}`).sort())
  }
}

function expected(model: ReferenceVolume, operation: Operation): Outcome {
  switch (operation.op) {
    case 'write': return model.write(operation.path, operation.content)
    case 'read': return model.read(operation.path)
    case 'mkdir': return model.mkdir(operation.path, operation.force)
    case 'remove': return model.remove(operation.path, operation.recursive)
    case 'rename': return model.rename(operation.from, operation.to)
    case 'list': return model.list(operation.path)
  }
}

/** Random operation sequences on a real volume, compared step by step with the reference model. */
export function runVolumeModelProperties(storeOf: () => VolumeStore, runs: number): void {
  describe('operation sequences against a reference model (property-based)', () => {
    it('every step gives the same outcome as the model', async () => {
      let round = 0
      await fc.assert(
        fc.asyncProperty(fc.array(operationArb, { minLength: 1, maxLength: 14 }), async (operations) => {
          const store = storeOf()
          const volume = await store.create(`model-${Date.now().toString(36)}-${round++}`)
          try {
            const model = new ReferenceVolume()
            for (const [index, operation] of operations.entries()) {
              const want = expected(model, operation)
              const got = await apply(volume, operation)
              expect(got, `step ${index} ${JSON.stringify(operation)} of ${JSON.stringify(operations)}`).toEqual(want)
            }
          } finally {
            await store.destroy(volume.volumeId, { force: true })
          }
        }),
        { numRuns: runs },
      )
    }, 900_000)
  })
}
