import type { GatewayDependencies } from "../http/context";
import { type VerifiedToken, verifyAccessToken } from "../tokens/verify";

/** Verifies a token with everything the gateway trusts: its own keys and the trusted issuers. */
export function verifyToken(deps: GatewayDependencies, token: string): Promise<VerifiedToken> {
	return verifyAccessToken(token, {
		settings: deps.settings,
		keys: deps.keys,
		issuerKeySets: deps.issuerKeySets,
		now: deps.clock(),
	});
}
