// How the revocation check's cost and memory grow with the number of revocations:
// - in KV: the cost of the gateway's one bulk read (four keys) with 1, 10k, ... entries stored;
// - in the isolate: the gateway's lookup cache (src/revocation/lookup-cache.ts) at 1, 10k and
//   1M entries, its cost per lookup and per insert (with eviction) and its heap per entry.
// The gateway never loads the revocation list; it only caches answers for keys it was asked
// about, so its memory depends on REVOCATION_CACHE_MAX_ENTRIES, not on how many entries KV holds.

import { InspectorSession } from "./inspector-session.mjs";
import { costPerOperation, timedRequest } from "./timed-request.mjs";

/** Seeds the KV namespace up to each size and times one bulk read of four keys at that size. */
export async function measureKvLookupScaling({
	probeUrl,
	workerdPid,
	sizes,
	minimumWallMs,
	repeats,
}) {
	const results = [];
	let stored = 0;
	for (const size of sizes) {
		const seeding = await timedRequest(
			`${probeUrl}/seed?from=${stored}&count=${size - stored}`,
			{ method: "POST" },
			workerdPid,
		);
		stored = size;
		const cost = await costPerOperation({
			urlFor: (iterations) => `${probeUrl}/lookup?iterations=${iterations}&stored=${stored}`,
			workerdPid,
			minimumWallMs,
			repeats,
		});
		results.push({ storedEntries: size, seedingSeconds: seeding.wallMs / 1000, ...cost });
	}
	return results;
}

/** What the whole check (src/revocation/revocations.ts) costs when every answer is cached. */
export async function measureCachedCheckCost({ probeUrl, workerdPid, minimumWallMs, repeats }) {
	return costPerOperation({
		urlFor: (operations) => `${probeUrl}/checks?operations=${operations}`,
		workerdPid,
		minimumWallMs,
		repeats,
	});
}

/** The lookup cache at each size: heap per entry, cost of a hit and of an insert at the bound. */
export async function measureLookupCacheScaling({
	probeUrl,
	probeName,
	inspectorUrl,
	workerdPid,
	sizes,
	minimumWallMs,
	repeats,
}) {
	const session = await InspectorSession.forWorker(inspectorUrl, probeName);
	const post = { method: "POST" };
	const wakeIsolate = async () => {
		await (await fetch(`${probeUrl}/size`)).arrayBuffer();
	};
	const results = [];
	try {
		for (const size of sizes) {
			await timedRequest(`${probeUrl}/empty`, post, workerdPid);
			const emptyHeap = await session.heapBytesAfterGarbageCollection(wakeIsolate);
			const fill = await timedRequest(`${probeUrl}/fill?entries=${size}`, post, workerdPid);
			const filledHeap = await session.heapBytesAfterGarbageCollection(wakeIsolate);
			const hit = await costPerOperation({
				urlFor: (operations) => `${probeUrl}/hits?operations=${operations}`,
				workerdPid,
				minimumWallMs,
				repeats,
			});
			const insert = await costPerOperation({
				urlFor: (operations) => `${probeUrl}/inserts?operations=${operations}`,
				workerdPid,
				minimumWallMs,
				repeats,
				// Bounds the run should inserts ever cost more as the cache churns.
				maxOperations: 200_000,
			});
			const { size: sizeAfterInserts } = await (await fetch(`${probeUrl}/size`)).json();
			results.push({
				entries: size,
				heapBytes: filledHeap - emptyHeap,
				heapBytesPerEntry: (filledHeap - emptyHeap) / size,
				fillSeconds: fill.wallMs / 1000,
				hitMicroseconds: hit.cpuMicroseconds ?? hit.wallMicroseconds,
				insertMicroseconds: insert.cpuMicroseconds ?? insert.wallMicroseconds,
				sizeAfterInserts,
				bounded: sizeAfterInserts <= size,
			});
		}
		await timedRequest(`${probeUrl}/empty`, post, workerdPid);
	} finally {
		session.close();
	}
	return results;
}
