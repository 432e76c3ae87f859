/**
 * A Map that holds at most `maxEntries` entries and, when full, drops the least recently used
 * one first. Reading a key with `get` or writing it with `set` makes it the most recently used.
 * Every operation is one or two Map operations, never a scan.
 */
export class LeastRecentlyUsedMap<Key, Value> {
	private readonly entries = new Map<Key, Value>();
	/** Where eviction resumes: every key before it is gone (see `evictLeastRecentlyUsed`). */
	private evictionCursor: MapIterator<Key> | undefined;

	constructor(private readonly maxEntries: number) {}

	get size(): number {
		return this.entries.size;
	}

	/** The value for a key, which becomes the most recently used; undefined when absent. */
	get(key: Key): Value | undefined {
		const value = this.entries.get(key);
		if (value === undefined) {
			return undefined;
		}
		// Re-inserting moves the key to the end of the Map's order: most recently used.
		this.entries.delete(key);
		this.entries.set(key, value);
		return value;
	}

	/** The value for a key, leaving the order as it is. */
	peek(key: Key): Value | undefined {
		return this.entries.get(key);
	}

	/** Stores a value as the most recently used one, evicting the oldest beyond the bound. */
	set(key: Key, value: Value): void {
		if (this.maxEntries <= 0) {
			return;
		}
		this.entries.delete(key);
		this.entries.set(key, value);
		while (this.entries.size > this.maxEntries) {
			this.evictLeastRecentlyUsed();
		}
	}

	delete(key: Key): void {
		this.entries.delete(key);
	}

	/**
	 * Drops the first key in the Map's order, which is the least recently used one: keys are
	 * appended when set and moved to the end when read.
	 *
	 * A new `keys()` iterator would start at the beginning of the Map's table and step over every
	 * slot that earlier deletions left empty there, so each eviction would cost more the longer
	 * the map has been full (benchmarked: 6 µs at 10,000 entries, and growing to tens of µs at
	 * larger bounds). The cursor is kept instead: Map iterators stay valid while keys are added
	 * and deleted, and every key before the cursor has already been deleted, so the next key it
	 * yields is the oldest one left, and each empty slot is stepped over once.
	 */
	private evictLeastRecentlyUsed(): void {
		let oldest = this.evictionCursor?.next();
		if (oldest === undefined || oldest.done) {
			this.evictionCursor = this.entries.keys();
			oldest = this.evictionCursor.next();
		}
		if (!oldest.done) {
			this.entries.delete(oldest.value);
		}
	}
}
