import type { Context } from "hono";
import type { z } from "zod";
import { GatewayError } from "./errors";

/** Largest JSON body the gateway's own routes read, in bytes. */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

/**
 * Reads and validates a JSON request body. A wrong content type is 415, an oversized body 413,
 * broken JSON or a shape the schema refuses 400; the body is never echoed back.
 */
export async function readJsonBody<Schema extends z.ZodType>(
	c: Context,
	schema: Schema,
): Promise<z.infer<Schema>> {
	const contentType = c.req.header("Content-Type") ?? "";
	const mediaType = contentType.split(";")[0]?.trim().toLowerCase();
	if (mediaType !== "application/json") {
		throw new GatewayError("unsupported_media_type", "Send the body as application/json.");
	}

	const text = await readBoundedText(c.req.raw, MAX_JSON_BODY_BYTES);
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new GatewayError("invalid_json", "The body is not valid JSON.");
	}

	const parsed = schema.safeParse(body);
	if (!parsed.success) {
		const problems = parsed.error.issues.map(describeIssue);
		throw new GatewayError("invalid_request", `${problems.join("; ")}.`);
	}
	return parsed.data;
}

/**
 * One problem with a body, in words that repeat nothing the client sent: the names of unknown
 * fields are the client's own text, and a client may put anything there, a token included.
 */
function describeIssue(issue: z.core.$ZodIssue): string {
	const message =
		issue.code === "unrecognized_keys"
			? "the body holds a field this route does not take"
			: issue.message.replace(/\.$/, "");
	const field = issue.path.join(".");
	return field === "" ? message : `${field}: ${message}`;
}

/** Reads a body as text, giving up as soon as it passes `limit` bytes. */
export async function readBoundedText(
	message: { headers: Headers; body: ReadableStream<Uint8Array> | null },
	limit: number,
): Promise<string> {
	const declaredLength = Number(message.headers.get("Content-Length") ?? "0");
	if (declaredLength > limit) {
		throw new GatewayError("payload_too_large", `The body may hold at most ${limit} bytes.`);
	}
	if (message.body === null) {
		return "";
	}
	const reader = message.body.getReader();
	const chunks: Uint8Array[] = [];
	let received = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) {
			break;
		}
		received += value.byteLength;
		if (received > limit) {
			await reader.cancel();
			throw new GatewayError("payload_too_large", `The body may hold at most ${limit} bytes.`);
		}
		chunks.push(value);
	}
	const bytes = new Uint8Array(received);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	// Invalid UTF-8 is refused rather than decoded into replacement characters, which would
	// otherwise pass as ids and revoke or reinstate something other than what was sent.
	try {
		return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		throw new GatewayError("invalid_request", "The body is not valid UTF-8.");
	}
}
