import type { KvOperationCounts } from "./counting-kv";

/** Where the benchmark reads a worker's KV counts; no real route of the gateway looks like it. */
export const KV_COUNTS_PATH = "/__bench/kv-operations";

/** The counts as JSON when the request asks for them, else undefined. */
export function kvCountsResponse(
	request: Request,
	counts: KvOperationCounts,
): Response | undefined {
	// A suffix test instead of parsing the URL keeps the cost on every other request negligible.
	if (request.method !== "GET" || !request.url.endsWith(KV_COUNTS_PATH)) {
		return undefined;
	}
	return Response.json(counts);
}
