import { GatewayError } from "../http/errors";

/** Tokens longer than this are refused before any decoding (8 KiB, far above a normal JWT). */
export const MAX_TOKEN_BYTES = 8192;

/** RFC 6750 §2.1's b64token: what a Bearer credential may consist of. */
export const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

// RFC 6750 §2.1 with RFC 9110 §11.4: the scheme is case-insensitive, then one or more spaces
// and a single b64token. Optional whitespace around the field value is already trimmed.
const BEARER_CREDENTIAL = new RegExp(`^Bearer +(${B64TOKEN.source.slice(1, -1)})$`, "i");
const BEARER_SCHEME = /^Bearer(?: |$)/i;

/**
 * Reads the bearer token from an `Authorization` header value. Another scheme counts as no
 * bearer credential (401 with a bare challenge); a Bearer credential that is malformed or
 * comes twice is `credential_malformed` (400 `invalid_request`, RFC 6750 §3.1). Nothing is
 * guessed at.
 */
export function extractBearerToken(authorization: string | undefined | null): string {
	const value = authorization?.trim() ?? "";
	if (value === "" || !BEARER_SCHEME.test(value)) {
		throw new GatewayError(
			"token_missing",
			"An access token is required: send Authorization: Bearer <token>.",
		);
	}
	if (value.length > MAX_TOKEN_BYTES + 64) {
		throw new GatewayError("token_too_large", "The access token is too large.");
	}
	const token = BEARER_CREDENTIAL.exec(value)?.[1];
	if (token === undefined) {
		throw new GatewayError(
			"credential_malformed",
			"The Authorization header must hold exactly one Bearer token.",
		);
	}
	return token;
}
