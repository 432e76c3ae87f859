import { RevocationLookupCache } from "../../src/revocation/lookup-cache";

/**
 * Exercises the gateway's in-isolate revocation cache (src/revocation/lookup-cache.ts) at a given
 * size, inside workerd, so the benchmark can show how its cost and memory grow with the number
 * of entries. The caller times the requests and reads the isolate's heap through the inspector.
 *
 * - `POST /fill?entries=N`: a fresh cache bounded at N entries, filled with N keys.
 * - `GET /hits?operations=M`: M lookups of random keys that are in the cache.
 * - `GET /inserts?operations=M`: M new keys, each one pushing the least recently used out.
 * - `POST /empty`: drops the cache, so the next fill starts from an empty heap.
 * - `GET /size`: how many entries the cache holds.
 */
const ENTRY_LIFETIME_MS = 3_600_000;

let cache: RevocationLookupCache | undefined;
let filled = 0;
let inserted = 0;

/** Keys as long as the gateway's token keys (`token:` and a 36-character UUID). */
function keyAt(index: number): string {
	return `token:${index.toString(16).padStart(36, "0")}`;
}

function fill(entries: number): void {
	cache = new RevocationLookupCache(ENTRY_LIFETIME_MS, Math.max(entries, 1), Date.now);
	for (let index = 0; index < entries; index++) {
		cache.recordWrite(keyAt(index), null);
	}
	filled = entries;
	inserted = entries;
}

function lookUpHits(current: RevocationLookupCache, operations: number): number {
	let found = 0;
	for (let round = 0; round < operations; round++) {
		// Keys pushed out by inserts are simply misses; only the lookups' cost matters here.
		const index = inserted - 1 - Math.floor(Math.random() * filled);
		if (current.get(keyAt(index)) !== undefined) {
			found++;
		}
	}
	return found;
}

function insert(current: RevocationLookupCache, operations: number): void {
	for (let round = 0; round < operations; round++) {
		current.recordWrite(keyAt(inserted++), null);
	}
}

export default {
	async fetch(request) {
		const url = new URL(request.url);
		const count = (name: string) => Number(url.searchParams.get(name) ?? "0");
		const route = `${request.method} ${url.pathname}`;
		if (route === "POST /fill") {
			fill(count("entries"));
			return Response.json({ size: cache?.size ?? 0 });
		}
		if (route === "GET /size") {
			return Response.json({ size: cache?.size ?? 0 });
		}
		if (route === "POST /empty") {
			cache = undefined;
			filled = 0;
			inserted = 0;
			return Response.json({ size: 0 });
		}
		if (cache === undefined) {
			return Response.json({ error: "fill the cache first" }, { status: 409 });
		}
		if (route === "GET /hits") {
			return Response.json({ found: lookUpHits(cache, count("operations")) });
		}
		if (route === "GET /inserts") {
			insert(cache, count("operations"));
			return Response.json({ size: cache.size });
		}
		return Response.json({ error: "unknown probe" }, { status: 404 });
	},
} satisfies ExportedHandler;
