import { errors } from "jose";
import { type ErrorCode, GatewayError } from "../http/errors";

/** The gateway's code for an error jose raised while verifying a token. */
export function codeForJoseError(error: unknown): ErrorCode {
	if (error instanceof GatewayError) {
		return error.code;
	}
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
	if (
		error instanceof errors.JWKSNoMatchingKey ||
		error instanceof errors.JWKSMultipleMatchingKeys
	) {
		return "token_unknown_key";
	}
	// A key set that times out, is not valid JSON, or cannot be fetched at all is the issuer's
	// outage, not the client's fault: 503, so that the client retries instead of logging out.
	if (
		error instanceof errors.JWKSTimeout ||
		error instanceof errors.JWKSInvalid ||
		!(error instanceof errors.JOSEError) ||
		error.code === "ERR_JOSE_GENERIC"
	) {
		return "issuer_keys_unavailable";
	}
	return "token_malformed";
}
