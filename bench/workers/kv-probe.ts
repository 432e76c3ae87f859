/**
 * Fills the revocation namespace with entries and times lookups against it, so the benchmark can
 * show how a KV read's cost changes with the number of revocations stored. It shares the KV
 * namespace of the gateway and the naive peer.
 *
 * - `POST /seed?from=0&count=10000`: writes `token:bench-filler-<n>` entries, shaped like the
 *   gateway's token revocations (value: revocation time in milliseconds).
 * - `GET /lookup?iterations=500&stored=10000`: runs one bulk read of four keys per iteration,
 *   as the gateway does on a cache miss: one stored key and three that are absent.
 */
interface ProbeEnv {
	REVOCATIONS: KVNamespace;
}

const SEED_BATCH = 50;
const ENTRY_TTL_SECONDS = 3600;

function fillerKey(index: number): string {
	return `token:bench-filler-${index}`;
}

async function seed(kv: KVNamespace, from: number, count: number): Promise<number> {
	const revokedAt = String(Date.now());
	for (let start = from; start < from + count; start += SEED_BATCH) {
		const end = Math.min(start + SEED_BATCH, from + count);
		const writes: Promise<void>[] = [];
		for (let index = start; index < end; index++) {
			writes.push(kv.put(fillerKey(index), revokedAt, { expirationTtl: ENTRY_TTL_SECONDS }));
		}
		await Promise.all(writes);
	}
	return count;
}

async function lookUp(kv: KVNamespace, iterations: number, stored: number): Promise<number> {
	let found = 0;
	for (let round = 0; round < iterations; round++) {
		const present = fillerKey(Math.floor(Math.random() * Math.max(stored, 1)));
		const absent = crypto.randomUUID();
		const answers = await kv.get(
			[present, `user:${absent}`, `session:${absent}`, `key:${absent}`],
			"text",
		);
		found += [...answers.values()].filter((value) => value !== null).length;
	}
	return found;
}

export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const number = (name: string) => Number(url.searchParams.get(name) ?? "0");
		if (request.method === "POST" && url.pathname === "/seed") {
			return Response.json({
				seeded: await seed(env.REVOCATIONS, number("from"), number("count")),
			});
		}
		if (request.method === "GET" && url.pathname === "/lookup") {
			const found = await lookUp(env.REVOCATIONS, number("iterations"), number("stored"));
			return Response.json({ found });
		}
		return Response.json({ error: "unknown probe" }, { status: 404 });
	},
} satisfies ExportedHandler<ProbeEnv>;
