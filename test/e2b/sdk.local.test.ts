import { localBlobs } from './fixture.js'
import { runSdkMethodTests } from './sdk-methods-suite.js'
import { runSdkRuleTests } from './sdk-rules-suite.js'

runSdkMethodTests('LocalBlobStore', localBlobs)
runSdkRuleTests('LocalBlobStore', localBlobs)
