import { createRemoteJWKSet, customFetch } from "jose";
import type { TrustedIssuer } from "../config/trusted-issuers";

/** The remote key set of one trusted issuer, fetched and cached by jose per isolate. */
export interface IssuerKeySet {
	issuer: TrustedIssuer;
	keys: ReturnType<typeof createRemoteJWKSet>;
}

/** How long a fetched key set is used before it is fetched again, in milliseconds. */
const KEY_SET_MAX_AGE_MS = 10 * 60 * 1000;

/**
 * Least time between two fetches of a key set, in milliseconds. A token with an unknown `kid`
 * triggers a refetch (the issuer may have rotated), but at most once per cooldown, so forged
 * `kid`s cannot make the gateway hammer the issuer.
 */
const REFETCH_COOLDOWN_MS = 30 * 1000;

/**
 * One remote key set per trusted issuer, keyed by the exact `iss` value. Built once per isolate
 * so that keys stay cached between requests. `fetchKeySet` replaces the platform's fetch in tests.
 */
export function issuerKeySets(
	issuers: readonly TrustedIssuer[],
	fetchKeySet?: typeof fetch,
): ReadonlyMap<string, IssuerKeySet> {
	return new Map(
		issuers.map((issuer) => [
			issuer.issuer,
			{
				issuer,
				keys: createRemoteJWKSet(issuer.jwksUri, {
					timeoutDuration: issuer.jwksTimeoutMs,
					cooldownDuration: REFETCH_COOLDOWN_MS,
					cacheMaxAge: KEY_SET_MAX_AGE_MS,
					...(fetchKeySet === undefined ? {} : { [customFetch]: fetchKeySet }),
				}),
			},
		]),
	);
}
