// The traffic of a run: the token population, the revocations made through the gateway's admin
// API, and the order in which requests carry the tokens.

import { revokeThroughGateway } from "./gateway-client.mjs";
import { describeSequence, zipfRequestSequence } from "./request-sequence.mjs";
import { SEED, SEQUENCE_LENGTH } from "./run-plan.mjs";
import { seededHexId, seededRandom } from "./seeded-random.mjs";
import { createTokenMinter, mintTokenPopulation, planRevocations } from "./token-population.mjs";
import { GATEWAY } from "./worker-catalog.mjs";

/**
 * Mints the tokens, revokes some through the gateway, and draws the request sequence. Returns
 * them with `mintFreshToken()` (a token no one has used yet) and the workload's description.
 */
export async function prepareTraffic({ stack, plan }) {
	const random = seededRandom(SEED);
	const tokens = await mintTokenPopulation({ settings: stack.settings, ...plan, random });
	const revocations = planRevocations(tokens, random, plan.revocationShares);
	for (const body of revocations) {
		await revokeThroughGateway(stack.urls[GATEWAY], stack.settings.ADMIN_API_KEY, body);
	}
	// Hono's `jwt` middleware refuses an `iat` later than the current whole second, and the
	// gateway mints `iat` with milliseconds, so the peers see the tokens from the next second.
	await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 10));
	const sequence = zipfRequestSequence({
		tokenCount: tokens.length,
		length: SEQUENCE_LENGTH,
		exponent: plan.zipfExponent,
		random,
	});

	const mint = await createTokenMinter(stack.settings);
	const mintFreshToken = () =>
		mint({
			subject: `bench-probe-${seededHexId(random, 8)}`,
			sessionId: seededHexId(random),
			tokenId: seededHexId(random),
		});
	const workload = {
		users: plan.users,
		maxSessionsPerUser: plan.maxSessionsPerUser,
		tokens: tokens.length,
		zipfExponent: plan.zipfExponent,
		distinctTokensPer10k: describeSequence(sequence.subarray(0, 10_000), tokens).distinctTokens,
		revocations: revocations.length,
		revokedShare: describeSequence(sequence, tokens).revokedShare,
		fillerRevocations: plan.kvSizes.at(-1),
		cacheSeconds: stack.settings.REVOCATION_CACHE_SECONDS,
		cacheMaxEntries: stack.settings.REVOCATION_CACHE_MAX_ENTRIES,
	};
	return { tokens, sequence, mintFreshToken, workload };
}
