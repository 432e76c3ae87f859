import type { JWTPayload } from "jose";
import type { Settings } from "../config/settings";
import { GatewayError } from "../http/errors";

/** Verified claims with the two the gateway relies on made certain. */
export type AccessTokenClaims = JWTPayload & { sub: string; exp: number };

/** Checks what jose leaves to the caller: types, finiteness, and the lifetime bound. */
export function checkClaims(
	payload: JWTPayload,
	settings: Settings,
	now: number,
	maxLifetimeSeconds: number,
): AccessTokenClaims {
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
	if (exp - issuedAt > maxLifetimeSeconds) {
		throw new GatewayError(
			"token_lifetime_exceeded",
			"The access token lives longer than the gateway accepts.",
		);
	}
	return { ...payload, sub, exp };
}

export function invalidClaim(description: string): GatewayError {
	return new GatewayError("token_claim_invalid", description);
}
