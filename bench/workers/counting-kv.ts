/** What reached a KV binding: operations, not keys, except `keysRead`. */
export interface KvOperationCounts {
	/** Read operations: `get` (a bulk `get` of many keys counts once), `getWithMetadata`, `list`. */
	reads: number;
	/** Keys asked for by those reads; a bulk `get` of four keys adds four. */
	keysRead: number;
	/** `put` and `delete` operations. */
	writes: number;
}

export function emptyKvOperationCounts(): KvOperationCounts {
	return { reads: 0, keysRead: 0, writes: 0 };
}

const READ_METHODS = new Set<PropertyKey>(["get", "getWithMetadata", "list"]);
const WRITE_METHODS = new Set<PropertyKey>(["put", "delete"]);

/**
 * The same KV binding, counting every operation that goes through it. The benchmark wraps the KV
 * binding of the naive peer and of the gateway with this, so both are counted the same way at
 * the binding itself rather than by what the code believes it did. The cost is one property
 * lookup and an increment per KV call, next to nothing beside the call it counts.
 */
export function countingKv(kv: KVNamespace, counts: KvOperationCounts): KVNamespace {
	return new Proxy(kv, {
		get(target, property) {
			const method: unknown = Reflect.get(target, property, target);
			if (typeof method !== "function") {
				return method;
			}
			if (READ_METHODS.has(property)) {
				return (...args: unknown[]) => {
					counts.reads++;
					counts.keysRead += Array.isArray(args[0]) ? args[0].length : 1;
					return method.apply(target, args);
				};
			}
			if (WRITE_METHODS.has(property)) {
				return (...args: unknown[]) => {
					counts.writes++;
					return method.apply(target, args);
				};
			}
			return method.bind(target);
		},
	});
}
