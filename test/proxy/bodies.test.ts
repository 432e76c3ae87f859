import { describe, expect, it } from "vitest";
import { bearer, logIn, testGateway } from "../support/gateway";

const MEBIBYTE = 1024 * 1024;

function deferred(): { promise: Promise<void>; resolve: () => void } {
	let resolve = () => {};
	const promise = new Promise<void>((settle) => {
		resolve = settle;
	});
	return { promise, resolve };
}

/** A body of `chunks` chunks of 1 MiB that waits for `gate` before producing all but the first. */
function gatedBody(chunks: number, gate: Promise<void>): ReadableStream<Uint8Array> {
	let produced = 0;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (produced === chunks) {
				controller.close();
				return;
			}
			if (produced === 1) {
				await gate;
			}
			controller.enqueue(new Uint8Array(MEBIBYTE).fill(produced));
			produced++;
		},
	});
}

async function countBytes(body: ReadableStream<Uint8Array> | null): Promise<number> {
	let total = 0;
	for await (const chunk of body ?? []) {
		total += chunk.byteLength;
	}
	return total;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", bytes);
	return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("bodies", () => {
	// A gateway that buffered the upload would wait for the whole body before calling the origin,
	// while the body waits for the origin to see its first chunk: the test would hang and fail.
	it("streams an upload to the origin while the client is still sending it", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const firstChunkArrived = deferred();
		gateway.origin.answerWith(async (request) => {
			let received = 0;
			for await (const chunk of request.body ?? []) {
				received += chunk.byteLength;
				firstChunkArrived.resolve();
			}
			return Response.json({ received });
		});

		const response = await gateway.request("/api/upload", {
			method: "POST",
			headers: bearer(token),
			body: gatedBody(4, firstChunkArrived.promise),
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ received: 4 * MEBIBYTE });
		expect(gateway.origin.proxied()).toHaveLength(1);
	});

	it("streams a download to the client while the origin is still sending it", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const clientReadFirstChunk = deferred();
		gateway.origin.answerWith(
			() => new Response(gatedBody(4, clientReadFirstChunk.promise), { status: 200 }),
		);

		const response = await gateway.request("/api/download", { headers: bearer(token) });
		const reader = response.body?.getReader();
		const first = await reader?.read();
		expect(first?.value?.byteLength).toBe(MEBIBYTE);
		clientReadFirstChunk.resolve();
		let rest = 0;
		for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
			rest += next.value.byteLength;
		}
		expect(rest).toBe(3 * MEBIBYTE);
	});

	it("delivers every byte of a few megabytes intact both ways", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const body = new Uint8Array(3 * MEBIBYTE + 17).map((_, index) => (index * 7) % 256);
		const response = await gateway.request("/api/echo", {
			method: "PUT",
			headers: bearer(token),
			body,
		});
		expect(await response.json()).toMatchObject({
			body_length: body.byteLength,
			body_sha256: await sha256Hex(body),
		});

		const download = await gateway.request(`/api/bytes?count=${5 * MEBIBYTE}`, {
			headers: bearer(token),
		});
		expect(await countBytes(download.body)).toBe(5 * MEBIBYTE);
	});

	it("sends GET and HEAD without a body, even when the client's request carries one", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		for (const method of ["GET", "HEAD"]) {
			// A GET cannot be built with a body here, but a client can send one (Content-Length: 0
			// or more) and a runtime may hand it over; a POST that calls itself GET stands in.
			const withBody = new Request("https://gateway.test/api/echo", {
				method: "POST",
				headers: { ...bearer(token), "Content-Length": "5" },
				body: "hello",
			});
			const incoming = new Proxy(withBody, {
				get(target, property) {
					if (property === "method") {
						return method;
					}
					const value = Reflect.get(target, property);
					return typeof value === "function" ? value.bind(target) : value;
				},
			});
			const response = await gateway.fetch(incoming);
			expect(response.status, method).toBe(200);
		}
		const [get, head] = gateway.origin.proxied();
		expect(get).toMatchObject({ method: "GET", hasBody: false });
		expect(head).toMatchObject({ method: "HEAD", hasBody: false });
		expect(get?.headers.get("content-length")).toBeNull();
	});
});
