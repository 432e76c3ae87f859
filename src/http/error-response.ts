import type { Context } from "hono";
import type { GatewayEnv } from "./context";
import { bearerChallengeError, describeError, type ErrorCode, GatewayError } from "./errors";

/** The realm named in `WWW-Authenticate` challenges. */
export const AUTH_REALM = "jwt-edge-gateway";

/**
 * Renders an error as `{"error", "error_description"}` in the OAuth style, with the status the
 * code maps to and, for credential failures, an RFC 6750 challenge.
 */
export function errorResponse(
	c: Context<GatewayEnv>,
	code: ErrorCode,
	description: string,
	extraHeaders: Record<string, string> = {},
) {
	const publicError = describeError(code);
	c.set("outcome", code);
	const headers: Record<string, string> = { "Cache-Control": "no-store", ...extraHeaders };
	const challengeError = bearerChallengeError(code);
	if (challengeError !== undefined) {
		// RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
		headers["WWW-Authenticate"] =
			code === "token_missing"
				? `Bearer realm="${AUTH_REALM}"`
				: `Bearer realm="${AUTH_REALM}", error="${challengeError}"`;
	}
	return c.json(
		{ error: publicError.error, error_description: publicError.description ?? description },
		publicError.status,
		headers,
	);
}

/** Hono's `onError`: domain errors become their JSON response; anything else is a logged 500. */
export function handleError(error: Error, c: Context<GatewayEnv>) {
	if (error instanceof GatewayError) {
		return errorResponse(c, error.code, error.description);
	}
	// An unexpected exception is a bug. The log keeps its name and message for diagnosis; the
	// client gets only the request id, never a stack trace.
	c.get("deps")?.logger.error("unhandled_exception", {
		request_id: c.get("requestId"),
		name: error.name,
		message: error.message.slice(0, 300),
	});
	return errorResponse(c, "internal_error", "internal error");
}
