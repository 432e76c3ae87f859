/** Workers KV refuses an `expirationTtl` below 60 seconds. */
export const KV_MINIMUM_TTL_SECONDS = 60;

/**
 * How long a revocation entry must live, in whole seconds, or `null` when no entry is needed.
 *
 * A token passes verification until `exp + clockTolerance`, so the entry must exist until then.
 * Rounding up and KV's 60-second minimum can only make it live longer, never shorter. Every
 * revocation kind derives its TTL here, from the latest `exp` that a covered token can carry.
 */
export function revocationEntryTtl(
	latestExpiry: number,
	clockToleranceSeconds: number,
	nowMilliseconds: number,
): number | null {
	const remaining = latestExpiry + clockToleranceSeconds - nowMilliseconds / 1000;
	if (remaining <= 0) {
		return null;
	}
	return Math.max(KV_MINIMUM_TTL_SECONDS, Math.ceil(remaining));
}

/**
 * The latest `exp` a token issued at or before `nowMilliseconds` can have. The gateway refuses
 * tokens whose `exp - iat` exceeds the lifetime, and `iat` may run ahead by `issuedAtLeadSeconds`.
 */
export function latestExpiryOfTokensIssuedBy(
	nowMilliseconds: number,
	tokenLifetimeSeconds: number,
	issuedAtLeadSeconds: number,
): number {
	return nowMilliseconds / 1000 + issuedAtLeadSeconds + tokenLifetimeSeconds;
}
