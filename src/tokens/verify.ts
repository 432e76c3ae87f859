import { errors, type JWTPayload, jwtVerify } from "jose";
import type { Settings } from "../config/settings";
import { type ErrorCode, GatewayError } from "../http/errors";
import { MAX_TOKEN_BYTES } from "./bearer";
import type { SigningKey } from "./signing-key";
import { tokenIdOf } from "./token-id";

/** A token whose signature and claims passed; revocation has not been checked yet. */
export interface VerifiedToken {
	claims: JWTPayload & { sub: string; exp: number };
	/** `jti`, or the derived id for tokens without one. */
	tokenId: string;
	sessionId: string | undefined;
	/** The `kid` header: which configured key signed the token. */
	keyId: string | undefined;
}

export interface VerifyOptions {
	settings: Settings;
	signingKey: SigningKey;
	/** Milliseconds since the epoch. */
	now: number;
}

// Compact JWS: three base64url segments. Checked before decoding so garbage never reaches jose.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

// RFC 9068 access tokens say `at+jwt`; plain JWTs say `JWT` or nothing.
const ACCEPTED_TYPES = new Set(["jwt", "at+jwt", "application/jwt", "application/at+jwt"]);

/**
 * Verifies signature and claims. The algorithm and key come from configuration only; nothing
 * in the token header chooses them. Throws a `GatewayError` with a precise `token_*` code.
 */
export async function verifyAccessToken(
	token: string,
	options: VerifyOptions,
): Promise<VerifiedToken> {
	const { settings, signingKey, now } = options;
	if (token.length > MAX_TOKEN_BYTES) {
		throw new GatewayError("token_too_large", "The access token is too large.");
	}
	if (!COMPACT_JWS.test(token)) {
		throw new GatewayError("token_malformed", "The access token is not a compact JWS.");
	}

	let verified: Awaited<ReturnType<typeof jwtVerify>>;
	try {
		verified = await jwtVerify(token, signingKey.secret, {
			algorithms: [signingKey.algorithm],
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

	return {
		claims: { ...payload, sub, exp },
		tokenId: await tokenIdOf(token, jti),
		sessionId: typeof sid === "string" ? sid : undefined,
		keyId: protectedHeader.kid,
	};
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
	if (
		error instanceof errors.JWSSignatureVerificationFailed ||
		error instanceof errors.JOSEAlgNotAllowed
	) {
		return "token_bad_signature";
	}
	return "token_malformed";
}
