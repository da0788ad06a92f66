export * from './blob-store-suite.js'
export * from './services/test-service.js'
export * from './services/require-service.js'
export * from './services/fake-gcs.js'
