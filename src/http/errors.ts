/**
 * Every failure the gateway can report, as a stable code. Logs record the precise code; the
 * client sees the public error that `describeError` maps it to, so that a caller cannot learn
 * why its token failed (expired, revoked and forged all read `invalid_token`).
 */
export type ErrorCode =
	// The request itself is malformed.
	| "invalid_request"
	| "invalid_json"
	| "unsupported_media_type"
	| "payload_too_large"
	| "not_found"
	| "method_not_allowed"
	// Forwarding: no route serves the path, or its decoded form would fall under another route.
	| "route_not_found"
	| "path_ambiguous"
	// Credentials at login.
	| "invalid_credentials"
	// Bearer token problems: all public as `invalid_token`.
	| "token_missing"
	| "token_malformed"
	| "token_too_large"
	| "token_bad_signature"
	| "token_algorithm_rejected"
	| "token_unknown_key"
	| "token_header_forbidden"
	| "token_expired"
	| "token_not_yet_valid"
	| "token_wrong_issuer"
	| "token_wrong_audience"
	| "token_claim_invalid"
	| "token_lifetime_exceeded"
	| "token_revoked"
	// An Authorization header that is not one well-formed Bearer credential (RFC 6750 §3.1).
	| "credential_malformed"
	// Admin routes.
	| "admin_key_invalid"
	| "revocation_not_found"
	// Dependencies.
	| "store_unavailable"
	| "issuer_keys_unavailable"
	| "upstream_unavailable"
	| "upstream_timeout"
	| "upstream_invalid_response"
	| "gateway_misconfigured"
	| "internal_error";

/** A failure raised inside the gateway; the error handler turns it into a JSON response. */
export class GatewayError extends Error {
	override readonly name = "GatewayError";

	constructor(
		readonly code: ErrorCode,
		/** Safe to show to the caller: never holds a token, a password or a secret. */
		readonly description: string,
		options?: { cause?: unknown },
	) {
		super(description, options);
	}
}

export interface PublicError {
	status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 500 | 502 | 503 | 504;
	error: string;
	/** Replaces the internal description when the client must not learn the detail. */
	description?: string;
}

const INVALID_TOKEN: PublicError = {
	status: 401,
	error: "invalid_token",
	description: "The access token is missing, malformed, expired, revoked or otherwise invalid.",
};

const PUBLIC_ERRORS: Record<ErrorCode, PublicError> = {
	invalid_request: { status: 400, error: "invalid_request" },
	invalid_json: { status: 400, error: "invalid_request" },
	unsupported_media_type: { status: 415, error: "unsupported_media_type" },
	payload_too_large: { status: 413, error: "payload_too_large" },
	not_found: { status: 404, error: "not_found" },
	method_not_allowed: { status: 405, error: "method_not_allowed" },
	route_not_found: { status: 404, error: "not_found" },
	path_ambiguous: { status: 400, error: "invalid_request" },
	invalid_credentials: { status: 401, error: "invalid_credentials" },
	token_missing: INVALID_TOKEN,
	token_malformed: INVALID_TOKEN,
	token_too_large: INVALID_TOKEN,
	token_bad_signature: INVALID_TOKEN,
	token_algorithm_rejected: INVALID_TOKEN,
	token_unknown_key: INVALID_TOKEN,
	token_header_forbidden: INVALID_TOKEN,
	token_expired: INVALID_TOKEN,
	token_not_yet_valid: INVALID_TOKEN,
	token_wrong_issuer: INVALID_TOKEN,
	token_wrong_audience: INVALID_TOKEN,
	token_claim_invalid: INVALID_TOKEN,
	token_lifetime_exceeded: INVALID_TOKEN,
	token_revoked: INVALID_TOKEN,
	admin_key_invalid: {
		status: 401,
		error: "invalid_token",
		description: "The admin API key is missing or wrong.",
	},
	credential_malformed: { status: 400, error: "invalid_request" },
	revocation_not_found: { status: 404, error: "not_found" },
	store_unavailable: { status: 503, error: "store_unavailable" },
	issuer_keys_unavailable: {
		status: 503,
		error: "temporarily_unavailable",
		description: "The keys that verify this token cannot be fetched right now; retry later.",
	},
	upstream_unavailable: { status: 502, error: "upstream_unavailable" },
	upstream_timeout: { status: 504, error: "upstream_timeout" },
	upstream_invalid_response: { status: 502, error: "upstream_invalid_response" },
	gateway_misconfigured: { status: 503, error: "gateway_misconfigured" },
	internal_error: {
		status: 500,
		error: "internal_error",
		description: "The gateway failed unexpectedly; the request id locates it in the log.",
	},
};

/** The status and public error code a caller receives for an internal code. */
export function describeError(code: ErrorCode): PublicError {
	return PUBLIC_ERRORS[code];
}

/** The RFC 6750 challenge error for a credential failure, or undefined for other failures. */
export function bearerChallengeError(code: ErrorCode): string | undefined {
	if (PUBLIC_ERRORS[code] === INVALID_TOKEN || code === "admin_key_invalid") {
		return "invalid_token";
	}
	return code === "credential_malformed" ? "invalid_request" : undefined;
}
