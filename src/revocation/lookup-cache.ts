import { LeastRecentlyUsedMap } from "../cache/least-recently-used";

interface CachedAnswer {
	value: string | null;
	freshUntil: number;
	generation: number;
}

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
	private readonly entries: LeastRecentlyUsedMap<string, CachedAnswer>;
	/** Counts this isolate's writes, so that a read can tell whether one happened meanwhile. */
	private generation = 0;

	constructor(
		private readonly ttlMilliseconds: number,
		maxEntries: number,
		private readonly clock: () => number,
	) {
		this.entries = new LeastRecentlyUsedMap(maxEntries);
	}

	/** Whether caching is on at all (a TTL or a size of 0 turns it off). */
	get enabled(): boolean {
		return this.ttlMilliseconds > 0;
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
		return entry.value;
	}

	/** Marks the start of a KV read; pass the result to `recordRead` when it completes. */
	beginRead(): number {
		return this.generation;
	}

	/**
	 * Records what a KV read returned. A write this isolate made while the read was in flight
	 * is newer than the read's answer, so it is kept: otherwise a revocation made a moment ago
	 * could be replaced by the "not revoked" that the slower read brought back.
	 */
	recordRead(key: string, value: string | null, readGeneration: number): void {
		const existing = this.entries.peek(key);
		if (existing !== undefined && existing.generation > readGeneration) {
			return;
		}
		this.store(key, value, readGeneration);
	}

	/** Records a write made by this isolate (a revocation, or a reinstatement as null). */
	recordWrite(key: string, value: string | null): void {
		this.generation++;
		this.store(key, value, this.generation);
	}

	private store(key: string, value: string | null, generation: number): void {
		if (!this.enabled) {
			return;
		}
		this.entries.set(key, { value, freshUntil: this.clock() + this.ttlMilliseconds, generation });
	}
}
