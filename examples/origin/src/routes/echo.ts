import { Hono } from "hono";
import { rawRequestTarget } from "../request-target";
import { digestBody } from "../streaming-digest";

/**
 * Copies the headers into a Map first, because assigning a header named "__proto__" to a plain
 * object would change its prototype instead of adding a field; `Object.fromEntries` defines it as
 * an ordinary property. Names from `Headers` are already lower-cased.
 */
function headersAsObject(headers: Headers): Record<string, string> {
	const collected = new Map<string, string>();
	for (const [name, value] of headers) {
		const earlier = collected.get(name);
		collected.set(name, earlier === undefined ? value : `${earlier}, ${value}`);
	}
	return Object.fromEntries(collected);
}

/**
 * Describes the request exactly as the origin received it, so a developer or a test can see what
 * the gateway forwarded: method, raw path and query, every header, and the body's size and hash.
 * Hono answers HEAD through the GET route and drops the body, so HEAD works here as well.
 */
export const echoRoute = new Hono().all("/api/echo", async (context) => {
	const { path, query } = rawRequestTarget(context.req.url);
	const { byteLength, sha256Hex } = await digestBody(context.req.raw.body);
	return context.json(
		{
			method: context.req.method,
			path,
			query,
			headers: headersAsObject(context.req.raw.headers),
			body_length: byteLength,
			body_sha256: sha256Hex,
		},
		200,
	);
});
