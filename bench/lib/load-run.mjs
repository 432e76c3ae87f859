// One load run with autocannon: a fixed number of connections for a fixed time, each request
// carrying the next token of the run's request sequence.

import autocannon from "autocannon";

/**
 * @typedef {object} LoadSettings
 * @property {number} connections        concurrent keep-alive connections
 * @property {number} durationSeconds    length of the run
 * @property {string} path               request path (the origin's echo route)
 * @property {number} [startAt]           position in the request sequence of the first request
 */

/**
 * The value at quantile `q` (0..1) of sorted numbers, by nearest rank.
 * @param {Float64Array} sorted
 */
function quantile(sorted, q) {
	if (sorted.length === 0) {
		return Number.NaN;
	}
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[rank];
}

/**
 * Runs autocannon against `url`. Requests walk the sequence from `startAt`, so every target of
 * a run sees the same tokens in the same order. Latencies are kept for successful (2xx)
 * responses only, in milliseconds with sub-millisecond precision (autocannon's own histogram
 * rounds to whole milliseconds, too coarse on loopback).
 */
export async function runLoad(url, settings, tokens, sequence) {
	let cursor = settings.startAt ?? 0;
	const headersFor = (token) => ({ authorization: `Bearer ${token}` });
	let latencies = new Float64Array(1 << 16);
	let latencyCount = 0;

	const instance = autocannon({
		url,
		connections: settings.connections,
		duration: settings.durationSeconds,
		pipelining: 1,
		requests: [
			{
				method: "GET",
				path: settings.path,
				setupRequest: (request) => {
					const token = tokens[sequence[cursor % sequence.length]].token;
					cursor++;
					return { ...request, headers: headersFor(token) };
				},
			},
		],
	});
	instance.on("response", (_client, statusCode, _bytes, responseTimeMs) => {
		if (statusCode < 200 || statusCode > 299) {
			return;
		}
		if (latencyCount === latencies.length) {
			const grown = new Float64Array(latencies.length * 2);
			grown.set(latencies);
			latencies = grown;
		}
		latencies[latencyCount++] = responseTimeMs;
	});
	const result = await instance;

	const sorted = latencies.subarray(0, latencyCount).sort();
	const statusCounts = Object.fromEntries(
		Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]),
	);
	return {
		requests: result.requests.total,
		durationSeconds: result.duration,
		requestsPerSecond: result.requests.total / result.duration,
		latencyP50Ms: quantile(sorted, 0.5),
		latencyP99Ms: quantile(sorted, 0.99),
		statusCounts,
		errors: result.errors,
		timeouts: result.timeouts,
	};
}
