/**
 * Remembers, inside one isolate, what KV answered for revocation keys, so that the tokens a
 * client sends again and again are checked without a KV read each time.
 *
 * Staleness is the price: a revocation written by another isolate is seen here only after the
 * cached answer expires. That bound is `ttlMilliseconds`, a setting (README, "How soon a
 * revocation takes effect"). Revocations made through this isolate update the cache at once.
 * Memory is bounded by `maxEntries`; the least recently used entry goes first.
 */
export class RevocationLookupCache {
	private readonly entries = new Map<string, { value: string | null; freshUntil: number }>();

	constructor(
		private readonly ttlMilliseconds: number,
		private readonly maxEntries: number,
		private readonly clock: () => number,
	) {}

	/** Whether caching is on at all (a TTL of 0 turns it off). */
	get enabled(): boolean {
		return this.ttlMilliseconds > 0 && this.maxEntries > 0;
	}

	get size(): number {
		return this.entries.size;
	}

	/** The cached answer for a key: a value, null for "no entry", undefined when unknown. */
	get(key: string): string | null | undefined {
		const entry = this.entries.get(key);
		if (entry === undefined) {
			return undefined;
		}
		if (entry.freshUntil <= this.clock()) {
			this.entries.delete(key);
			return undefined;
		}
		// Re-inserting moves the key to the end of the Map's order: most recently used.
		this.entries.delete(key);
		this.entries.set(key, entry);
		return entry.value;
	}

	/** Records what KV holds for a key, from a read or from a write made by this isolate. */
	set(key: string, value: string | null): void {
		if (!this.enabled) {
			return;
		}
		this.entries.delete(key);
		this.entries.set(key, { value, freshUntil: this.clock() + this.ttlMilliseconds });
		while (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next();
			if (oldest.done) {
				break;
			}
			this.entries.delete(oldest.value);
		}
	}
}
