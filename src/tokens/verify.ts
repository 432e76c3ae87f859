import {
	decodeProtectedHeader,
	errors,
	type JWTPayload,
	jwtVerify,
	type ProtectedHeaderParameters,
} from "jose";
import type { Settings } from "../config/settings";
import { type ErrorCode, GatewayError } from "../http/errors";
import { MAX_TOKEN_BYTES } from "./bearer";
import type { VerificationKey } from "./key-material";
import type { KeyRing } from "./key-ring";
import { tokenIdOf } from "./token-id";

/** A token whose signature and claims passed; revocation has not been checked yet. */
export interface VerifiedToken {
	claims: JWTPayload & { sub: string; exp: number };
	/** `jti`, or the derived id for tokens without one. */
	tokenId: string;
	sessionId: string | undefined;
	/** The id of the configured key that verified the token (never read from the token alone). */
	keyId: string;
}

export interface VerifyOptions {
	settings: Settings;
	keys: KeyRing;
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

	const key = selectKey(readHeader(token), options.keys);
	let verified: Awaited<ReturnType<typeof jwtVerify>>;
	try {
		verified = await jwtVerify(token, key.key, {
			algorithms: [key.algorithm],
			issuer: settings.issuer,
			audience: settings.audience,
			clockTolerance: settings.clockToleranceSeconds,
			requiredClaims: ["exp", "sub"],
			currentDate: new Date(now),
		});
	} catch (error) {
		throw new GatewayError(codeForJoseError(error), "The access token failed verification.", {
			cause: error,
		});
	}
	const { payload, protectedHeader } = verified;

	const type = protectedHeader.typ;
	if (type !== undefined && !ACCEPTED_TYPES.has(type.toLowerCase())) {
		throw invalidClaim("The token type is not a JWT access token.");
	}
	const claims = checkClaims(payload, settings, now);
	return {
		claims,
		tokenId: await tokenIdOf(token, claims.jti),
		sessionId: typeof claims.sid === "string" ? claims.sid : undefined,
		keyId: key.keyId,
	};
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

/** Checks what jose leaves to the caller: types, finiteness, and the lifetime bound. */
function checkClaims(
	payload: JWTPayload,
	settings: Settings,
	now: number,
): VerifiedToken["claims"] {
	const { sub, exp, iat, jti, sid } = payload;
	if (typeof sub !== "string" || sub === "") {
		throw invalidClaim("sub must be a non-empty string.");
	}
	// JSON numbers such as 1e400 parse to Infinity, which every comparison would wave through.
	if (typeof exp !== "number" || !Number.isFinite(exp)) {
		throw invalidClaim("exp must be a finite number.");
	}
	if (iat !== undefined && !Number.isFinite(iat)) {
		throw invalidClaim("iat must be a finite number.");
	}
	if (iat !== undefined && iat > now / 1000 + settings.clockToleranceSeconds) {
		throw invalidClaim("iat lies in the future.");
	}
	if (jti !== undefined && (typeof jti !== "string" || jti === "")) {
		throw invalidClaim("jti must be a non-empty string.");
	}
	if (sid !== undefined && (typeof sid !== "string" || sid === "")) {
		throw invalidClaim("sid must be a non-empty string.");
	}

	// User and session cut-offs live only as long as the longest lifetime the gateway accepts,
	// so a longer-lived token could outlive its own revocation; it is refused instead.
	const issuedAt = iat ?? now / 1000;
	if (exp - issuedAt > settings.tokenLifetimeSeconds) {
		throw new GatewayError(
			"token_lifetime_exceeded",
			"The access token lives longer than the gateway accepts.",
		);
	}
	return { ...payload, sub, exp };
}

function invalidClaim(description: string): GatewayError {
	return new GatewayError("token_claim_invalid", description);
}

function codeForJoseError(error: unknown): ErrorCode {
	if (error instanceof errors.JWTExpired) {
		return "token_expired";
	}
	if (error instanceof errors.JWTClaimValidationFailed) {
		switch (error.claim) {
			case "nbf":
				return error.reason === "check_failed" ? "token_not_yet_valid" : "token_claim_invalid";
			case "iss":
				return "token_wrong_issuer";
			case "aud":
				return "token_wrong_audience";
			default:
				return "token_claim_invalid";
		}
	}
	if (error instanceof errors.JOSEAlgNotAllowed) {
		return "token_algorithm_rejected";
	}
	if (error instanceof errors.JWSSignatureVerificationFailed) {
		return "token_bad_signature";
	}
	return "token_malformed";
}
