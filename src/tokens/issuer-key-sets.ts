import {
	createLocalJWKSet,
	createRemoteJWKSet,
	customFetch,
	type JSONWebKeySet,
	type JWK,
	type JWTVerifyGetKey,
} from "jose";
import type { TrustedIssuer } from "../config/trusted-issuers";

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
	/**
	 * An identity of the key set as last fetched: it changes with every fetch, so a verification
	 * made with an older set can be told apart (auth/verify-token.ts).
	 */
	version(): unknown;
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
	// The fetch under way, shared by every request that arrives meanwhile: jose shares none
	// inside Workers, so without this each concurrent token with an unknown kid would fetch.
	let reloading: Promise<void> | undefined;

	/** Fetches the set once for all waiting requests; a failure starts the pause. */
	const reload = () => {
		reloading ??= remote.reload().then(
			() => {
				reloading = undefined;
			},
			(error: unknown) => {
				reloading = undefined;
				lastFailureAt = Date.now();
				throw error;
			},
		);
		return reloading;
	};

	/** The set as last fetched, when it is fresh: never a set past its maximum age. */
	const freshKeys = () => {
		const keys = remote.jwks();
		// A set past its age may hold keys the issuer has withdrawn since; while it cannot be
		// fetched again, tokens of this issuer are refused (503) rather than judged by it.
		if (keys === undefined || !remote.fresh) {
			throw new IssuerKeysUnavailable();
		}
		return keys;
	};

	// jose's local key set imports each key once and keeps it, so one is kept per fetched set
	// rather than built per request.
	let local: { keys: JSONWebKeySet; resolve: JWTVerifyGetKey } | undefined;
	const localKeySet = (keys: JSONWebKeySet) => {
		if (local?.keys !== keys) {
			local = { keys, resolve: createLocalJWKSet(keys) };
		}
		return local.resolve;
	};

	/** The keys of the set as last fetched that carry this `kid`. */
	const named = (kid: unknown) => (remote.jwks()?.keys ?? []).filter((jwk) => jwk.kid === kid);

	/**
	 * Fetches the set when `due`, unless a fetch failed a moment ago; a request that arrives
	 * while a fetch is under way waits for it and, whether it succeeds or not, judges by what
	 * is there afterwards.
	 */
	const refreshIf = async (due: boolean) => {
		if (reloading !== undefined) {
			await reloading.catch(() => {});
		} else if (due && Date.now() - lastFailureAt >= RETRY_AFTER_FAILURE_MS) {
			await reload();
		}
	};

	const resolveKey: JWTVerifyGetKey = async (header, token) => {
		// As jose would: fetch when the copy is stale, or for an unknown kid outside the cooldown.
		const known = remote.fresh && named(header.kid).length > 0;
		await refreshIf(!remote.fresh || (!known && !remote.coolingDown));
		return localKeySet(freshKeys())(header, token);
	};

	/** Changes whenever the set is fetched again, so answers given with an older one can tell. */
	const version = () => remote.jwks();

	const keyFor = (kid: string, alg: string) => {
		const candidates = named(kid).filter((jwk) => jwk.kty === KEY_TYPE_OF_ALGORITHM[alg]);
		return candidates.length === 1 ? candidates[0] : undefined;
	};

	const keysNamed = async (kid: string) => {
		await refreshIf(!remote.fresh);
		return freshKeys().keys.filter((jwk) => jwk.kid === kid);
	};

	return { issuer, resolveKey, keyFor, keysNamed, version };
}

/** A key set that failed to load a moment ago and is not asked again yet. */
export class IssuerKeysUnavailable extends Error {
	override readonly name = "IssuerKeysUnavailable";

	constructor() {
		super("the issuer's key set failed to load a moment ago");
	}
}
