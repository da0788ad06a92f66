import { describe } from 'vitest'
import { inCI, type TestService } from './test-service.js'

/**
 * Starts a service once for a test file and hands it to `body`.
 *
 * In CI (`CI=true`) a service that cannot be started fails the file. Elsewhere the
 * suite is marked skipped and the reason is printed loudly, with how to provide it.
 *
 * @example
 * const minio = await provideService('MinIO', startMinio)
 * describeWithService('S3 adapter', minio, (service) => { ... })
 */
export async function provideService(name: string, start: () => Promise<TestService>): Promise<TestService | undefined> {
  try {
    return await start()
  } catch (error) {
    const message = `${name} is not available: ${(error as Error).message}`
    if (inCI()) throw new Error(`${message}\nIn CI every service must run: install it with scripts/install-test-services.sh.`, { cause: error })
    console.warn(`\n!!! SKIPPING tests that need ${name} !!!\n${message}\n`)
    return undefined
  }
}

/** `describe` when the service is there, `describe.skip` (announced by {@link provideService}) when it is not. */
export function describeWithService(title: string, service: TestService | undefined, body: (service: TestService) => void): void {
  if (service) describe(title, () => body(service))
  else describe.skip(`${title} (service unavailable)`, () => undefined)
}
