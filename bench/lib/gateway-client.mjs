// The few HTTP calls the benchmark makes outside load runs: revoking through the gateway's admin
// API, calling a target once with a token, and reading a worker's KV operation counts.

const KV_COUNTS_PATH = "/__bench/kv-operations";

/** Revokes through `POST /admin/revocations`; throws unless KV stored it (201). */
export async function revokeThroughGateway(gatewayUrl, adminKey, body) {
	const response = await fetch(`${gatewayUrl}/admin/revocations`, {
		method: "POST",
		headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	if (response.status !== 201) {
		throw new Error(`revocation ${JSON.stringify(body)} answered ${response.status}: ${text}`);
	}
}

/** The status of one request to `path` with the token, the body read and dropped. */
export async function statusWithToken(targetUrl, path, token) {
	const response = await fetch(`${targetUrl}${path}`, {
		headers: { authorization: `Bearer ${token}` },
	});
	await response.arrayBuffer();
	return response.status;
}

/** The KV operation counts of a worker that counts them (the naive peer and the gateway). */
export async function kvCounts(targetUrl) {
	const response = await fetch(`${targetUrl}${KV_COUNTS_PATH}`);
	if (!response.ok) {
		throw new Error(`${targetUrl}${KV_COUNTS_PATH} answered ${response.status}`);
	}
	return response.json();
}

export function countsBetween(before, after) {
	return {
		reads: after.reads - before.reads,
		keysRead: after.keysRead - before.keysRead,
		writes: after.writes - before.writes,
	};
}
