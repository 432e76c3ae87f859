import {
	createLocalJWKSet,
	createRemoteJWKSet,
	customFetch,
	type JWK,
	type JWTVerifyGetKey,
} from "jose";
import type { TrustedIssuer } from "../config/trusted-issuers";
import { codeForJoseError } from "./jose-error-codes";

/** The remote key set of one trusted issuer, fetched and cached by jose per isolate. */
export interface IssuerKeySet {
	issuer: TrustedIssuer;
	/** Finds the key for a token header; fetches the set only as the limits below allow. */
	resolveKey: JWTVerifyGetKey;
	/** The one key of the set with this `kid` that fits `alg`; undefined for none or several. */
	keyFor(kid: string, alg: string): JWK | undefined;
	/**
	 * Every key of the set with this `kid`, the set fetched first when this isolate has none
	 * fresh. Throws `IssuerKeysUnavailable` (or jose's error) when it cannot be fetched.
	 */
	keysNamed(kid: string): Promise<JWK[]>;
}

/** How long a fetched key set is used before it is fetched again, in milliseconds. */
export const KEY_SET_MAX_AGE_MS = 10 * 60 * 1000;

/**
 * Least time between two fetches of a key set that succeeded, in milliseconds. A token with an
 * unknown `kid` triggers a refetch (the issuer may have rotated), but at most once per
 * cooldown, so forged `kid`s cannot make the gateway hammer the issuer.
 */
const REFETCH_COOLDOWN_MS = 30 * 1000;

/**
 * After a fetch failed, how long no other fetch is tried, in milliseconds. jose's cooldown
 * counts from the last success only, so without this an issuer that is down would be asked
 * again by every request that needs its keys.
 */
const RETRY_AFTER_FAILURE_MS = 10 * 1000;

const KEY_TYPE_OF_ALGORITHM: Record<string, string> = { RS256: "RSA", ES256: "EC", EdDSA: "OKP" };

/**
 * One remote key set per trusted issuer, keyed by the exact `iss` value. Built once per isolate
 * so that keys stay cached between requests. `fetchKeySet` replaces the platform's fetch in tests.
 */
export function issuerKeySets(
	issuers: readonly TrustedIssuer[],
	fetchKeySet?: typeof fetch,
): ReadonlyMap<string, IssuerKeySet> {
	return new Map(issuers.map((issuer) => [issuer.issuer, issuerKeySet(issuer, fetchKeySet)]));
}

function issuerKeySet(issuer: TrustedIssuer, fetchKeySet?: typeof fetch): IssuerKeySet {
	const remote = createRemoteJWKSet(issuer.jwksUri, {
		timeoutDuration: issuer.jwksTimeoutMs,
		cooldownDuration: REFETCH_COOLDOWN_MS,
		cacheMaxAge: KEY_SET_MAX_AGE_MS,
		...(fetchKeySet === undefined ? {} : { [customFetch]: fetchKeySet }),
	});
	let lastFailureAt = Number.NEGATIVE_INFINITY;

	const resolveKey: JWTVerifyGetKey = async (header, token) => {
		// jose fetches when its copy is stale, or for an unknown kid outside its cooldown.
		const mayFetch = !remote.fresh || !remote.coolingDown;
		const cached = remote.jwks();
		if (mayFetch && Date.now() - lastFailureAt < RETRY_AFTER_FAILURE_MS) {
			if (cached === undefined) {
				throw new IssuerKeysUnavailable();
			}
			return createLocalJWKSet(cached)(header, token);
		}
		try {
			return await remote(header, token);
		} catch (error) {
			if (codeForJoseError(error) === "issuer_keys_unavailable") {
				lastFailureAt = Date.now();
			}
			throw error;
		}
	};

	const keyFor = (kid: string, alg: string) => {
		const candidates = (remote.jwks()?.keys ?? []).filter(
			(jwk) => jwk.kid === kid && jwk.kty === KEY_TYPE_OF_ALGORITHM[alg],
		);
		return candidates.length === 1 ? candidates[0] : undefined;
	};

	const keysNamed = async (kid: string) => {
		if (!remote.fresh) {
			if (Date.now() - lastFailureAt < RETRY_AFTER_FAILURE_MS) {
				throw new IssuerKeysUnavailable();
			}
			try {
				await remote.reload();
			} catch (error) {
				lastFailureAt = Date.now();
				throw error;
			}
		}
		return (remote.jwks()?.keys ?? []).filter((jwk) => jwk.kid === kid);
	};

	return { issuer, resolveKey, keyFor, keysNamed };
}

/** A key set that failed to load a moment ago and is not asked again yet. */
export class IssuerKeysUnavailable extends Error {
	override readonly name = "IssuerKeysUnavailable";

	constructor() {
		super("the issuer's key set failed to load a moment ago");
	}
}
