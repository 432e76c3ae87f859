import {
	calculateJwkThumbprint,
	decodeJwt,
	decodeProtectedHeader,
	type JWTPayload,
	type JWTVerifyOptions,
	type JWTVerifyResult,
	jwtVerify,
	type ProtectedHeaderParameters,
} from "jose";
import type { Settings } from "../config/settings";
import { GatewayError } from "../http/errors";
import { MAX_TOKEN_BYTES } from "./bearer";
import {
	type AccessTokenClaims,
	checkClaims,
	invalidClaim,
	OWN_CLOCK_SKEW_SECONDS,
	type ValidityWindow,
	validityWindow,
} from "./claims";
import { type IssuerKeySet, KEY_SET_MAX_AGE_MS } from "./issuer-key-sets";
import { codeForJoseError } from "./jose-error-codes";
import type { VerificationKey } from "./key-material";
import type { KeyRing } from "./key-ring";
import { tokenIdOf } from "./token-id";

/** A token whose signature and claims passed; revocation has not been checked yet. */
export interface VerifiedToken {
	claims: AccessTokenClaims;
	/** `jti`, or the derived id for tokens without one. */
	tokenId: string;
	sessionId: string | undefined;
	/**
	 * The key that verified the token, as configuration names it: a gateway key's `kid`, or the
	 * RFC 7638 thumbprint of an external issuer's key. Never read from the token alone.
	 */
	keyId: string | undefined;
	/** The trusted issuer's name for external tokens; undefined for the gateway's own. */
	issuerName: string | undefined;
	/** For external tokens, the issuer's key set as it was when the token was verified. */
	keySetVersion?: unknown;
	/**
	 * When the same token would pass verification again, in milliseconds: the verification
	 * cache answers only inside this window (verification-cache.ts).
	 */
	validity: ValidityWindow;
}

export interface VerifyOptions {
	settings: Settings;
	keys: KeyRing;
	/** Trusted external issuers by their exact `iss`. */
	issuerKeySets: ReadonlyMap<string, IssuerKeySet>;
	/** Milliseconds since the epoch. */
	now: number;
}

// Compact JWS: three base64url segments. Checked before decoding so garbage never reaches jose.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

// RFC 9068 access tokens say `at+jwt`; plain JWTs say `JWT` or nothing.
const ACCEPTED_TYPES = new Set(["jwt", "at+jwt", "application/jwt", "application/at+jwt"]);

// Header parameters that carry keys or point at them. Keys come from configuration only, so a
// token that offers its own is refused outright rather than merely ignored.
const FORBIDDEN_HEADER_PARAMETERS = ["jwk", "jku", "x5u", "x5c"];

/**
 * Verifies signature and claims. The key is chosen among configured keys by `kid`, and the
 * algorithm is the one configured for that key; nothing in the token chooses either. Throws a
 * `GatewayError` with a precise `token_*` code.
 */
export async function verifyAccessToken(
	token: string,
	options: VerifyOptions,
): Promise<VerifiedToken> {
	const { settings, now } = options;
	if (token.length > MAX_TOKEN_BYTES) {
		throw new GatewayError("token_too_large", "The access token is too large.");
	}
	if (!COMPACT_JWS.test(token)) {
		throw new GatewayError("token_malformed", "The access token is not a compact JWS.");
	}

	const header = readHeader(token);
	// The unverified `iss` only chooses among configured issuers, as `kid` chooses among
	// configured keys; the chosen issuer's own checks then decide.
	const claimedIssuer = readUnverifiedIssuer(token);
	if (claimedIssuer !== undefined && claimedIssuer !== settings.issuer) {
		const external = options.issuerKeySets.get(claimedIssuer);
		if (external === undefined) {
			throw new GatewayError("token_wrong_issuer", "The token's issuer is not trusted.");
		}
		return verifyExternalToken(token, header, external, options);
	}

	const key = selectKey(header, options.keys);
	const { payload } = await verifyJws((checks) => jwtVerify(token, key.key, checks), {
		algorithms: [key.algorithm],
		issuer: settings.issuer,
		audience: settings.audience,
		now,
		settings,
	});
	const claims = checkClaims(payload, now, {
		maxLifetimeSeconds: settings.tokenLifetimeSeconds,
		maxIssuedAtSkewSeconds: OWN_CLOCK_SKEW_SECONDS,
	});
	return {
		claims,
		tokenId: await tokenIdOf(token, claims.jti),
		sessionId: typeof claims.sid === "string" ? claims.sid : undefined,
		keyId: key.keyId,
		issuerName: undefined,
		// The gateway's own keys are fixed for the isolate's life: only the claims bound reuse.
		validity: validityWindow(claims, settings.clockToleranceSeconds, OWN_CLOCK_SKEW_SECONDS),
	};
}

async function verifyExternalToken(
	token: string,
	header: ProtectedHeaderParameters,
	external: IssuerKeySet,
	options: VerifyOptions,
): Promise<VerifiedToken> {
	const { settings, now } = options;
	const { issuer } = external;
	// An external key is identified by the `kid` among the issuer's published keys; without one,
	// the verifying key could not be named, and a revoked key could not be told apart.
	if (typeof header.kid !== "string") {
		throw new GatewayError("token_unknown_key", "External tokens must name their key (kid).");
	}
	const { payload } = await verifyJws((checks) => jwtVerify(token, external.resolveKey, checks), {
		algorithms: issuer.algorithms,
		issuer: issuer.issuer,
		audience: issuer.audience,
		now,
		settings,
	});
	// Another issuer's clock may differ from the gateway's by up to the tolerance; cut-offs
	// allow for the same skew when they compare its `iat` (revocation/rules.ts).
	const claims = checkClaims(payload, now, {
		maxLifetimeSeconds: issuer.maxTokenLifetimeSeconds,
		maxIssuedAtSkewSeconds: settings.clockToleranceSeconds,
	});
	// The key id comes from the fetched key set, not from the token: the RFC 7638 thumbprint of
	// the one key with the token's kid that fits its algorithm, which is the key that verified
	// it, and unique across issuers. Several such keys make the key ambiguous: refused.
	const jwk = external.keyFor(header.kid, header.alg ?? "");
	if (jwk === undefined) {
		throw new GatewayError("token_unknown_key", "The token's kid names no single key.");
	}
	// The issuer may withdraw its key; a fresh verification notices once the key set is
	// fetched again, so reuse of this answer ends no later than the key set's own maximum age.
	const window = validityWindow(
		claims,
		settings.clockToleranceSeconds,
		settings.clockToleranceSeconds,
	);
	return {
		claims,
		tokenId: await tokenIdOf(token, claims.jti),
		sessionId: typeof claims.sid === "string" ? claims.sid : undefined,
		keyId: await calculateJwkThumbprint(jwk),
		issuerName: issuer.name,
		keySetVersion: external.version(),
		validity: { from: window.from, until: Math.min(window.until, now + KEY_SET_MAX_AGE_MS) },
	};
}

interface JwsChecks {
	algorithms: string[];
	issuer: string;
	audience: string;
	now: number;
	settings: Settings;
}

/**
 * jose's signature and standard-claim checks, run by `verify` with the options built here, and
 * its errors turned into gateway codes.
 */
async function verifyJws(
	verify: (options: JWTVerifyOptions) => Promise<JWTVerifyResult>,
	checks: JwsChecks,
): Promise<JWTVerifyResult> {
	let verified: JWTVerifyResult;
	try {
		verified = await verify({
			algorithms: checks.algorithms,
			issuer: checks.issuer,
			audience: checks.audience,
			clockTolerance: checks.settings.clockToleranceSeconds,
			requiredClaims: ["exp", "sub"],
			currentDate: new Date(checks.now),
		});
	} catch (error) {
		const code = codeForJoseError(error);
		const description =
			code === "issuer_keys_unavailable"
				? "The issuer's keys could not be fetched."
				: "The access token failed verification.";
		throw new GatewayError(code, description, { cause: error });
	}
	const type: unknown = verified.protectedHeader.typ;
	if (type !== undefined && (typeof type !== "string" || !ACCEPTED_TYPES.has(type.toLowerCase()))) {
		throw invalidClaim("The token type is not a JWT access token.");
	}
	return verified;
}

function readUnverifiedIssuer(token: string): string | undefined {
	let payload: JWTPayload;
	try {
		payload = decodeJwt(token);
	} catch {
		throw new GatewayError("token_malformed", "The token payload is not a JSON object.");
	}
	return typeof payload.iss === "string" ? payload.iss : undefined;
}

function readHeader(token: string): ProtectedHeaderParameters {
	let header: ProtectedHeaderParameters;
	try {
		header = decodeProtectedHeader(token);
	} catch {
		throw new GatewayError("token_malformed", "The token header is not valid JSON.");
	}
	for (const parameter of FORBIDDEN_HEADER_PARAMETERS) {
		if (parameter in header) {
			throw new GatewayError("token_header_forbidden", "The token header carries key material.");
		}
	}
	return header;
}

/** Picks the configured key named by `kid`; without a `kid`, only the current key is tried. */
function selectKey(header: ProtectedHeaderParameters, keys: KeyRing): VerificationKey {
	if (header.kid === undefined) {
		return keys.current;
	}
	const key = typeof header.kid === "string" ? keys.byKeyId.get(header.kid) : undefined;
	if (key === undefined) {
		throw new GatewayError("token_unknown_key", "The token names a key the gateway does not have.");
	}
	return key;
}
