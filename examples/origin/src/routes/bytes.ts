import { Hono } from "hono";
import { errorResponse } from "../error-response";
import type { OriginEnv } from "../origin-env";

/** Largest download served, in bytes (100 MiB): enough to show streaming, bounded for safety. */
const maximumByteCount = 100 * 1024 * 1024;

/** Bytes produced per chunk while streaming. */
const chunkByteCount = 64 * 1024;

/**
 * The byte at a position of every download: a fixed pattern, so a client can check what it
 * received without the origin holding the body.
 */
export function downloadByteAt(position: number): number {
	return position % 251;
}

/**
 * `GET /api/bytes?count=N` streams N bytes of a fixed pattern with a Content-Length, chunk by
 * chunk as the client reads, so a large download through the gateway never sits in memory.
 */
export const bytesRoute = new Hono<OriginEnv>().get("/api/bytes", (context) => {
	const text = context.req.query("count") ?? "";
	const count = Number(text);
	if (!/^[0-9]+$/.test(text) || count > maximumByteCount) {
		return errorResponse(
			context,
			400,
			"invalid_request",
			`count must be a whole number up to ${maximumByteCount}`,
		);
	}
	// workerd sends Content-Length only for a body of known length: a FixedLengthStream. Each
	// write waits until the client has read the chunk before it, so nothing piles up in memory.
	const { readable, writable } = new FixedLengthStream(count);
	const writeAll = async () => {
		const writer = writable.getWriter();
		for (let sent = 0; sent < count; sent += chunkByteCount) {
			const chunk = new Uint8Array(Math.min(chunkByteCount, count - sent));
			for (let index = 0; index < chunk.length; index++) {
				chunk[index] = downloadByteAt(sent + index);
			}
			await writer.write(chunk);
		}
		await writer.close();
	};
	writeAll().catch(() => {
		// The client went away; there is no one left to tell.
	});
	return new Response(readable, { headers: { "Content-Type": "application/octet-stream" } });
});
