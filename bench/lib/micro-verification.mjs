// CPU time of one token verification per algorithm, inside workerd, with jose as the gateway
// calls it, plus HS256 through Hono (as the verify-only peer) and with a key imported once.

import { costPerOperation, timedRequest } from "./timed-request.mjs";

/** Verifier ids of bench/workers/token-verifiers.ts, with their description for the report. */
export const VERIFIERS = [
	["HS256-jose-raw-secret", "HS256, jose, raw secret (as the gateway today)"],
	["HS256-jose-imported-key", "HS256, jose, key imported once"],
	["HS256-hono", "HS256, hono/jwt (as the verify-only peer)"],
	["ES256-jose", "ES256 (P-256), jose"],
	["EdDSA-jose", "EdDSA (Ed25519), jose"],
	["RS256-jose", "RS256 (RSA 2048), jose"],
];

export async function measureVerificationCost({ probeUrl, workerdPid, minimumWallMs, repeats }) {
	const results = [];
	for (const [verifier, describe] of VERIFIERS) {
		const urlFor = (iterations) => `${probeUrl}/?verifier=${verifier}&iterations=${iterations}`;
		// The first request generates the key pair and signs the token; it is not measured.
		await timedRequest(urlFor(0), undefined, workerdPid);
		const cost = await costPerOperation({ urlFor, workerdPid, minimumWallMs, repeats });
		results.push({ verifier, describe, ...cost });
	}
	return results;
}
