import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Every error the origin returns has the same OAuth-style shape as the gateway's errors, so a
 * client can handle both the same way. The description is for humans and never carries a stack
 * trace or any part of the request body.
 */
export function errorResponse(
	context: Context,
	status: ContentfulStatusCode,
	error: string,
	description: string,
): Response {
	return context.json({ error, error_description: description }, status);
}
