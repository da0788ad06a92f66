import { runBlobVersionTests } from '@volumes/testkit'
import { afterAll, describe } from 'vitest'
import { serverBackends } from './backends.js'
import { errorLeakCases } from './cases/error-leak-cases.js'
import { idleBodyCases } from './cases/idle-body-cases.js'
import { rangedReadCases } from './cases/ranged-read-cases.js'

// The HTTP cases of issue 9 (defects 8-10) on every backend: memory, local disk, MinIO as S3
// and as R2, fake-gcs-server. A missing service is a loud skip (a failure with CI=true).
const services = await serverBackends()
afterAll(() => services.stop())

for (const backend of services.backends) {
  describe(`server on ${backend.name}`, () => {
    runBlobVersionTests(() => backend.make())
    rangedReadCases(backend)
    idleBodyCases(backend)
    errorLeakCases(backend)
  })
}
for (const name of services.missing) describe.skip(`server on ${name} (service unavailable)`, () => undefined)
