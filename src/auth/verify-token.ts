import { decodeJwt } from "jose";
import type { GatewayDependencies } from "../http/context";
import { GatewayError } from "../http/errors";
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
	if (cached !== undefined && verifiedWithCurrentKeys(deps, cached)) {
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

/**
 * Whether a remembered verification still stands for the keys the gateway has now. The gateway's
 * own keys never change in an isolate; an issuer's key set is fetched anew, and a key it has
 * withdrawn must stop working as soon as the gateway knows, so such a token is verified again.
 */
function verifiedWithCurrentKeys(deps: GatewayDependencies, token: VerifiedToken): boolean {
	if (token.issuerName === undefined) {
		return true;
	}
	const issuer = token.claims.iss;
	const keySet = issuer === undefined ? undefined : deps.issuerKeySets.get(issuer);
	return keySet !== undefined && keySet.version() === token.keySetVersion;
}

/** A token that may be revoked, and the instant from which it passes, in milliseconds. */
export interface RevocableToken {
	token: VerifiedToken;
	validFrom: number;
}

/**
 * Verifies a token that is to be revoked. A token that is not valid yet (its `nbf` or `iat`
 * lies ahead, as from an issuer whose clock runs fast) will pass once that moment comes, so
 * refusing to revoke it would let it in later: it is verified as of that moment instead, where
 * signature, issuer, audience and lifetime decide as for any token.
 */
export async function verifyTokenToRevoke(
	deps: GatewayDependencies,
	token: string,
): Promise<RevocableToken> {
	const now = deps.clock();
	try {
		return { token: await verifyToken(deps, token), validFrom: now };
	} catch (error) {
		if (!(error instanceof GatewayError) || error.code !== "token_not_yet_valid") {
			throw error;
		}
		const startsAt = claimedStart(token);
		if (startsAt <= now) {
			throw error;
		}
		const verified = await verifyAccessToken(token, {
			settings: deps.settings,
			keys: deps.keys,
			issuerKeySets: deps.issuerKeySets,
			now: startsAt,
		});
		return { token: verified, validFrom: startsAt };
	}
}

/** The latest of the token's unverified `nbf` and `iat`, in milliseconds; 0 without either. */
function claimedStart(token: string): number {
	const { nbf, iat } = decodeJwt(token);
	const instants = [nbf, iat].filter(
		(value) => typeof value === "number" && Number.isFinite(value),
	);
	return Math.max(0, ...(instants as number[])) * 1000;
}
