// What the gateway promises about revocations, checked against the running gateway before the
// load runs. Each check counts requests, statuses and KV operations; none of them asserts a
// duration. The one check that involves time (how late a revocation made elsewhere is seen)
// reports what it observed next to the documented bound and fails nothing.

import {
	countsBetween,
	kvCounts,
	revokeThroughGateway,
	statusWithToken,
} from "./gateway-client.mjs";
import { GATEWAY, NAIVE, VERIFY_ONLY } from "./worker-catalog.mjs";

const PROBE_PATH = "/public/hello";
const STALENESS_POLL_INTERVAL_MS = 100;
// Beyond the bound, how long to keep polling before reporting that the bound did not hold.
const STALENESS_POLL_GRACE_MS = 3_000;

function check(name, passed, detail) {
	return { name, passed, detail };
}

/** Revoked tokens are refused by both revocation-aware targets and accepted by verify-only. */
async function checkStatuses(urls, tokens, sampleSize) {
	const revoked = tokens.filter((token) => token.revokedAs !== undefined);
	const valid = tokens.filter((token) => token.revokedAs === undefined).slice(0, sampleSize);
	const mismatches = [];
	for (const token of [...revoked, ...valid]) {
		const expected = token.revokedAs === undefined ? 200 : 401;
		for (const [target, wanted] of [
			[GATEWAY, expected],
			[NAIVE, expected],
			[VERIFY_ONLY, 200],
		]) {
			const status = await statusWithToken(urls[target], PROBE_PATH, token.token);
			if (status !== wanted) {
				mismatches.push(`${target}: ${token.revokedAs ?? "valid"} token got ${status}`);
			}
		}
	}
	return check(
		"refuses every revoked token (by token, user and session) and accepts the others",
		mismatches.length === 0,
		mismatches.length === 0
			? `${revoked.length} revoked and ${valid.length} valid tokens, each sent to the gateway, ` +
					"the naive peer (both refuse exactly the revoked ones) and the verify-only peer " +
					"(accepts all)"
			: mismatches.slice(0, 5).join("; "),
	);
}

/** A fresh token costs one bulk KV read; the same token right after costs none. */
async function checkReadsPerRequest(gatewayUrl, token) {
	const start = await kvCounts(gatewayUrl);
	const firstStatus = await statusWithToken(gatewayUrl, PROBE_PATH, token.token);
	const afterFirst = await kvCounts(gatewayUrl);
	const secondStatus = await statusWithToken(gatewayUrl, PROBE_PATH, token.token);
	const afterSecond = await kvCounts(gatewayUrl);
	const miss = countsBetween(start, afterFirst);
	const hit = countsBetween(afterFirst, afterSecond);
	return [
		check(
			"at most one KV read for a request whose answer is not cached",
			firstStatus === 200 && miss.reads <= 1,
			`first request with a new token: ${miss.reads} read of ${miss.keysRead} keys ` +
				`(status ${firstStatus})`,
		),
		check(
			"no KV read for a request whose answer is cached",
			secondStatus === 200 && hit.reads === 0,
			`the same token again: ${hit.reads} reads (status ${secondStatus})`,
		),
	];
}

/** Revoking through the gateway makes its very next request with that token fail, from cache. */
async function checkWriteThrough(gatewayUrl, adminKey, token) {
	await revokeThroughGateway(gatewayUrl, adminKey, { jti: token.tokenId, exp: token.expiresAt });
	const before = await kvCounts(gatewayUrl);
	const status = await statusWithToken(gatewayUrl, PROBE_PATH, token.token);
	const reads = countsBetween(before, await kvCounts(gatewayUrl)).reads;
	return check(
		"a revocation made through this isolate holds there at once",
		status === 401 && reads === 0,
		`token cached as not revoked, revoked through POST /admin/revocations: next request ` +
			`${status}, ${reads} KV reads (answered from the updated cache)`,
	);
}

/**
 * A revocation written to KV by someone else (another isolate or location) is seen once the
 * cached answer expires. The answer was cached before the write, so no request sent more than
 * REVOCATION_CACHE_SECONDS after the write may still pass. Polls and reports when the token was
 * last accepted and first refused, counted from the write.
 */
async function observeStaleness(gatewayUrl, revocationsKv, token, boundSeconds) {
	const boundMs = boundSeconds * 1000;
	// Cache the "not revoked" answer, then revoke behind the gateway's back.
	await statusWithToken(gatewayUrl, PROBE_PATH, token.token);
	const revokedAt = Date.now();
	await revocationsKv.put(`token:${token.tokenId}`, String(revokedAt), { expirationTtl: 3600 });
	let lastAcceptedMs = 0;
	let firstRefusedMs;
	while (firstRefusedMs === undefined && lastAcceptedMs <= boundMs + STALENESS_POLL_GRACE_MS) {
		await new Promise((resolve) => setTimeout(resolve, STALENESS_POLL_INTERVAL_MS));
		const sentMs = Date.now() - revokedAt;
		const status = await statusWithToken(gatewayUrl, PROBE_PATH, token.token);
		if (status === 401) {
			firstRefusedMs = sentMs;
		} else {
			lastAcceptedMs = sentMs;
		}
	}
	return {
		name: "a revocation made elsewhere is seen within REVOCATION_CACHE_SECONDS",
		passed: undefined,
		lastAcceptedMs,
		boundMs,
		detail:
			`written straight to KV: last accepted by a request sent ${lastAcceptedMs} ms after the ` +
			(firstRefusedMs === undefined
				? `write and never refused while polling (bound ${boundMs} ms)`
				: `write, refused from ${firstRefusedMs} ms (bound ${boundMs} ms, polled every ` +
					`${STALENESS_POLL_INTERVAL_MS} ms)`),
	};
}

/**
 * Runs the checks; `mintFreshToken()` returns a token no one has used yet. In the smoke run the
 * staleness observation is left out, since it waits for the cache's lifetime.
 */
export async function runConsistencyChecks({ stack, tokens, mintFreshToken, smoke }) {
	const gatewayUrl = stack.urls[GATEWAY];
	const adminKey = stack.settings.ADMIN_API_KEY;
	const results = [await checkStatuses(stack.urls, tokens, smoke ? 20 : 100)];
	const fresh = await mintFreshToken();
	results.push(...(await checkReadsPerRequest(gatewayUrl, fresh)));
	results.push(await checkWriteThrough(gatewayUrl, adminKey, fresh));
	if (!smoke) {
		const boundSeconds = Number(stack.settings.REVOCATION_CACHE_SECONDS);
		results.push(
			await observeStaleness(gatewayUrl, stack.revocationsKv, await mintFreshToken(), boundSeconds),
		);
	}
	return results;
}
