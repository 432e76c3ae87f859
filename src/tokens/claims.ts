import type { JWTPayload } from "jose";
import { GatewayError } from "../http/errors";
import { isValidRevocationId } from "../revocation/keys";

/**
 * How far the gateway's own `iat` may run ahead of the verifying isolate's clock, in seconds:
 * tokens are minted by the gateway's own isolates, whose clocks agree to within milliseconds.
 * A cut-off compares `iat` exactly, so a larger allowance would let a token claim to be newer
 * than a revocation that was made after it.
 */
export const OWN_CLOCK_SKEW_SECONDS = 1;

/** Verified claims with the ones the gateway relies on made certain. */
export type AccessTokenClaims = JWTPayload & { sub: string; exp: number; iat: number };

/**
 * Checks what jose leaves to the caller: presence, types, finiteness, bounds.
 *
 * `iat` is required (as RFC 9068 requires it of access tokens): without it a token's age
 * cannot be bounded, so it could be accepted after every revocation that covered it has
 * lapsed from KV. `sub`, `jti` and `sid` become parts of KV keys, so they obey the same
 * length limit as revocation ids; a longer one would make the revocation check unreadable.
 */
export function checkClaims(
	payload: JWTPayload,
	now: number,
	limits: { maxLifetimeSeconds: number; maxIssuedAtSkewSeconds: number },
): AccessTokenClaims {
	const { sub, exp, iat, nbf, jti, sid } = payload;
	if (typeof sub !== "string" || !isValidRevocationId(sub)) {
		throw invalidClaim("sub must be a string of 1 to 256 bytes.");
	}
	// JSON numbers such as 1e400 parse to Infinity, which every comparison would wave through.
	if (typeof exp !== "number" || !Number.isFinite(exp)) {
		throw invalidClaim("exp must be a finite number.");
	}
	if (nbf !== undefined && (typeof nbf !== "number" || !Number.isFinite(nbf))) {
		throw invalidClaim("nbf must be a finite number.");
	}
	if (typeof iat !== "number" || !Number.isFinite(iat)) {
		throw invalidClaim("iat must be present and a finite number.");
	}
	if (iat > now / 1000 + limits.maxIssuedAtSkewSeconds) {
		// Like a future `nbf`: a genuine token from a clock that runs ahead, which will pass once
		// that moment comes, so it can still be revoked (auth/verify-token.ts).
		throw new GatewayError("token_not_yet_valid", "iat lies in the future.");
	}
	if (jti !== undefined && (typeof jti !== "string" || !isValidRevocationId(jti))) {
		throw invalidClaim("jti must be a string of 1 to 256 bytes.");
	}
	if (sid !== undefined && (typeof sid !== "string" || !isValidRevocationId(sid))) {
		throw invalidClaim("sid must be a string of 1 to 256 bytes.");
	}

	// User and session cut-offs live only as long as the longest lifetime the gateway accepts,
	// so a longer-lived token could outlive its own revocation; it is refused instead.
	if (exp - iat > limits.maxLifetimeSeconds) {
		throw new GatewayError(
			"token_lifetime_exceeded",
			"The access token lives longer than the gateway accepts.",
		);
	}
	return { ...payload, sub, exp, iat };
}

/** The instants, in milliseconds, between which a verified token passes its time checks. */
export interface ValidityWindow {
	/** First instant at which `nbf` and `iat` pass; the verification instant at the latest. */
	from: number;
	/** First instant at which the token no longer passes: `exp` plus the tolerance, or sooner. */
	until: number;
}

/**
 * The exact instants at which the checks of `verify.ts` start and stop passing, so that a cached
 * answer is given exactly when a fresh verification would give it. jose compares whole seconds
 * (`floor(now / 1000)`) with the tolerance: `exp` passes while `exp > seconds - tolerance`, and
 * `nbf` once `nbf <= seconds + tolerance`; the gateway's own `iat` check passes once
 * `iat <= now / 1000 + skew` (`checkClaims` above).
 */
export function validityWindow(
	claims: { exp: number; nbf?: unknown; iat: number },
	toleranceSeconds: number,
	issuedAtSkewSeconds: number,
): ValidityWindow {
	const notBefore = typeof claims.nbf === "number" ? claims.nbf : Number.NEGATIVE_INFINITY;
	return {
		from: Math.max(
			Math.ceil(notBefore - toleranceSeconds) * 1000,
			(claims.iat - issuedAtSkewSeconds) * 1000,
		),
		until: Math.ceil(claims.exp + toleranceSeconds) * 1000,
	};
}

export function invalidClaim(description: string): GatewayError {
	return new GatewayError("token_claim_invalid", description);
}
