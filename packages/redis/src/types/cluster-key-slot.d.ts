/** Types of `cluster-key-slot` (the Redis Cluster hash slot of a key, as ioredis computes it), which ships none. */
declare module 'cluster-key-slot' {
  /** The hash slot (0-16383) of a key, honouring `{hash tags}`. */
  function calculateSlot(key: string | Buffer): number
  export default calculateSlot
}
