import { GatewayError } from "../http/errors";

/** Tokens longer than this are refused before any decoding (8 KiB, far above a normal JWT). */
export const MAX_TOKEN_BYTES = 8192;

// RFC 6750 §2.1: the scheme is case-insensitive, then one or more spaces and a b64token.
const BEARER_CREDENTIAL = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Reads the bearer token from an `Authorization` header value. A second credential, another
 * scheme or stray characters are refused rather than guessed at.
 */
export function extractBearerToken(authorization: string | undefined | null): string {
	if (authorization == null || authorization.trim() === "") {
		throw new GatewayError(
			"token_missing",
			"An access token is required: send Authorization: Bearer <token>.",
		);
	}
	if (authorization.length > MAX_TOKEN_BYTES + 64) {
		throw new GatewayError("token_too_large", "The access token is too large.");
	}
	const match = BEARER_CREDENTIAL.exec(authorization);
	const token = match?.[1];
	if (token === undefined) {
		throw new GatewayError("token_malformed", "The Authorization header is not a Bearer token.");
	}
	return token;
}
