import { env } from "cloudflare:workers";

export interface RecordedPut {
	key: string;
	value: string;
	options: KVNamespacePutOptions | undefined;
}

export interface KvDouble {
	kv: KVNamespace;
	puts: RecordedPut[];
	/** How many read operations reached the store (a bulk read counts once). */
	reads: () => number;
}

export interface KvFailures {
	/** How many writes fail before writes succeed again; Infinity for a store that never recovers. */
	failingWrites?: number;
	/** How writes fail: as KV does under more than one write per second to a key, or as an outage. */
	writeError?: "rate_limited" | "outage";
	/** Whether every read throws. */
	failReads?: boolean;
}

/**
 * The real local KV binding behind a proxy that records writes and counts reads, and can fail
 * on demand, so tests can assert the TTL that reaches KV and the behaviour of a failing store.
 */
export function kvDouble(failures: KvFailures = {}): KvDouble {
	const inner = env.REVOCATIONS;
	const puts: RecordedPut[] = [];
	let reads = 0;
	let writesLeftToFail = failures.failingWrites ?? 0;

	const failWrite = () => {
		if (writesLeftToFail <= 0) {
			return;
		}
		writesLeftToFail--;
		throw failures.writeError === "outage"
			? new Error("KV PUT failed: 500 Internal Server Error")
			: new Error("KV PUT failed: 429 Too Many Requests");
	};
	const failRead = () => {
		if (failures.failReads) {
			throw new Error("KV GET failed: 500 Internal Server Error");
		}
	};

	const kv = new Proxy(inner, {
		get(target, property) {
			switch (property) {
				case "put":
					return async (key: string, value: string, options?: KVNamespacePutOptions) => {
						failWrite();
						puts.push({ key, value, options });
						return target.put(key, value, options);
					};
				case "delete":
					return async (key: string) => {
						failWrite();
						return target.delete(key);
					};
				case "get":
				case "getWithMetadata":
				case "list":
					return (...args: unknown[]) => {
						reads++;
						failRead();
						return (Reflect.get(target, property) as (...a: unknown[]) => unknown).apply(
							target,
							args,
						);
					};
				default:
					return Reflect.get(target, property);
			}
		},
	});
	return { kv, puts, reads: () => reads };
}
