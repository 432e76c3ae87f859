import type { Context } from "hono";
import { GatewayError } from "./errors";
import { readBoundedText } from "./json-body";

/** Largest form body the OAuth endpoints read, in bytes. */
export const MAX_FORM_BODY_BYTES = 16 * 1024;

/**
 * Reads an `application/x-www-form-urlencoded` body, as RFC 7009 and RFC 7662 require. Each
 * parameter may appear once (RFC 6749 §3.2); a repeated one is `invalid_request`.
 */
export async function readFormBody(c: Context): Promise<Map<string, string>> {
	const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
	if (mediaType !== "application/x-www-form-urlencoded") {
		throw new GatewayError(
			"invalid_request",
			"Send the parameters as application/x-www-form-urlencoded.",
		);
	}
	const parameters = new Map<string, string>();
	for (const [name, value] of new URLSearchParams(
		await readBoundedText(c.req.raw, MAX_FORM_BODY_BYTES),
	)) {
		if (parameters.has(name)) {
			// The name is not echoed: it is the caller's text, and a form is where tokens travel.
			throw new GatewayError("invalid_request", "A parameter appears more than once.");
		}
		parameters.set(name, value);
	}
	return parameters;
}
