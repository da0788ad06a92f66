/** What changed: E2B's CREATE, WRITE, REMOVE, RENAME and CHMOD. `chmod` covers every attribute change (mode, owner, times), like inotify's IN_ATTRIB. */
export type VolumeEventType = 'create' | 'write' | 'remove' | 'rename' | 'chmod'

/** One change of one entry of a volume, published after the change was made. */
export interface VolumeEvent {
  readonly type: VolumeEventType
  /** The entry's absolute path in the volume (for `rename`, where it is now). */
  readonly path: string
  /** For `rename`: where the entry was. */
  readonly oldPath?: string | undefined
  readonly entryType: 'file' | 'directory' | 'symlink'
  /** When the change was published. */
  readonly at: Date
  /** The feed's position of this event: pass it as `since` to get every event after it. */
  readonly cursor: string
}

/**
 * Events may be missing here: the feed dropped them before this watcher read them (it was
 * trimmed past the watcher's cursor, or the watcher fell too far behind). A watcher that
 * keeps a copy should re-read what it watches. `cursor`: where the feed stood when the loss was found.
 */
export interface ChangeGap {
  readonly type: 'gap'
  readonly cursor: string
  readonly at: Date
}

/** What a subscription yields. */
export type ChangeItem = VolumeEvent | ChangeGap

/** An event before the feed gave it a cursor. */
export type ChangeInput = Omit<VolumeEvent, 'cursor'>

/** Options of {@link ChangeFeed.subscribe}. */
export interface SubscribeOptions {
  /** Only events at this path or (see `recursive`) under it. Default `/`. */
  readonly path?: string | undefined
  /** Events anywhere under `path`; otherwise only of `path` itself and its direct children. */
  readonly recursive?: boolean | undefined
  /** Start after this cursor (an event's, or a gap's); without it, with the next event published. */
  readonly since?: string | undefined
  /** Ends the subscription: iteration returns. */
  readonly signal?: AbortSignal | undefined
}

/** A live subscription. Iterate it once; `close()` (or the signal) ends the iteration. */
export interface ChangeStream extends AsyncIterable<ChangeItem> {
  close(): Promise<void>
}

/**
 * Where a volume's change events travel, from the processes that write it to those that
 * watch it: in memory in one process ({@link MemoryChangeFeed}, the embedded default), or on
 * Redis (`@volumes/redis`). Every implementation passes testkit's change-feed suite.
 *
 * Behaviour: events of one volume are delivered in publish order, each once per subscription.
 * Feeds keep a bounded number of events per volume; a subscription whose cursor is older than
 * what is kept, or that reads slower than writers publish, gets a {@link ChangeGap} and then
 * continues with the events still kept: never unbounded memory, never a silent loss.
 */
export interface ChangeFeed {
  /** Appends events to a volume's feed, in order; returns them with their cursors. */
  publish(volumeId: string, events: readonly ChangeInput[]): Promise<readonly VolumeEvent[]>
  /**
   * Starts a subscription. Resolves once it is established: every event published from then
   * on (and, with `since`, every event after that cursor) is delivered or covered by a gap.
   * EINVAL (reason `InvalidCursor`) for a cursor this feed never gave.
   */
  subscribe(volumeId: string, options?: SubscribeOptions): Promise<ChangeStream>
  /** Releases what the feed holds (connections it made). */
  close?(): Promise<void>
}
