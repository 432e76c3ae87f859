import type { GatewayDependencies } from "../http/context";
import { type VerifiedToken, verifyAccessToken } from "../tokens/verify";

/**
 * Verifies a token with everything the gateway trusts: its own keys and the trusted issuers.
 * A token this isolate verified before is answered from the verification cache while its time
 * checks still pass; revocation is for the caller to check either way.
 */
export async function verifyToken(
	deps: GatewayDependencies,
	token: string,
): Promise<VerifiedToken> {
	const now = deps.clock();
	const cached = deps.verificationCache.get(token, now);
	if (cached !== undefined) {
		return cached;
	}
	const verified = await verifyAccessToken(token, {
		settings: deps.settings,
		keys: deps.keys,
		issuerKeySets: deps.issuerKeySets,
		now,
	});
	deps.verificationCache.remember(token, verified);
	return verified;
}
