import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "./local-stack";
import { gatewayWorkerdPids, type MemoryReading, readMemory } from "./process-memory";

// Forwarding through the real local stack (`npm start`: wrangler dev for the gateway and for the
// example origin), where workerd's HTTP, streaming and WebSocket code is really in the path.
const MEBIBYTE = 1024 * 1024;
const LARGE = 50 * MEBIBYTE;
// A gateway that held a 50 MiB body would grow by at least that much; streaming costs a few MiB.
const MEMORY_GROWTH_LIMIT_KIB = 16 * 1024;

let stack: LocalStack;
let token: string;

beforeAll(async () => {
	stack = await startLocalStack();
	const response = await fetch(`${stack.gatewayUrl}/auth/login`, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ username: "alice", password: "wonderland" }),
	});
	token = ((await response.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
	await stack?.stop();
});

const authorization = () => ({ Authorization: `Bearer ${token}` });

function gatewayMemory(): MemoryReading[] {
	const pids = gatewayWorkerdPids(stack.pid, stack.gatewayPort);
	expect(pids.length).toBeGreaterThan(0);
	return pids.map(readMemory);
}

/** How far the peak resident memory of each gateway workerd rose since `before`, in KiB. */
function peakGrowthKiB(before: MemoryReading[]): number[] {
	return before.map((reading) => readMemory(reading.pid).peakResidentKiB - reading.peakResidentKiB);
}

// The byte pattern the example origin's /api/bytes sends (byte n is n % 251), precomputed so that
// producing and checking 50 MiB costs the test little next to the transfer it measures.
const PATTERN = Uint8Array.from({ length: 251 + MEBIBYTE }, (_, index) => index % 251);

function patternChunk(offset: number, length: number): Uint8Array {
	const chunk = new Uint8Array(length);
	for (let done = 0; done < length; done += MEBIBYTE) {
		const start = (offset + done) % 251;
		chunk.set(PATTERN.subarray(start, start + Math.min(MEBIBYTE, length - done)), done);
	}
	return chunk;
}

/** A raw HTTP/1.1 request, for headers and bodies that fetch would not send as written. */
function rawRequest(
	url: string,
	method: string,
	headers: Record<string, string>,
	body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
	return new Promise((resolve, reject) => {
		const request = httpRequest(url, { method, headers }, (response) => {
			let text = "";
			response.setEncoding("utf8");
			response.on("data", (chunk: string) => {
				text += chunk;
			});
			response.on("end", () =>
				resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
			);
		});
		request.on("error", reject);
		request.end(body);
	});
}

/** Node's WebSocket client (undici) also takes headers, which a browser's cannot send. */
type NodeWebSocket = new (url: string, init: { headers: Record<string, string> }) => WebSocket;

describe("forwarding through wrangler dev", () => {
	it("streams a 50 MiB upload to the origin with flat gateway memory", async () => {
		const before = gatewayMemory();
		const digest = createHash("sha256");
		let sent = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent === LARGE) {
					controller.close();
					return;
				}
				const chunk = patternChunk(sent, Math.min(64 * 1024, LARGE - sent));
				digest.update(chunk);
				sent += chunk.byteLength;
				controller.enqueue(chunk);
			},
		});

		const startedAt = performance.now();
		const response = await fetch(`${stack.gatewayUrl}/api/echo`, {
			method: "POST",
			headers: authorization(),
			body,
			duplex: "half",
		} as RequestInit);
		const echo = (await response.json()) as { body_length: number; body_sha256: string };
		const seconds = (performance.now() - startedAt) / 1000;

		expect(response.status).toBe(200);
		expect(echo.body_length).toBe(LARGE);
		expect(echo.body_sha256).toBe(digest.digest("hex"));
		const growth = peakGrowthKiB(before);
		console.log(
			`50 MiB upload: ${(LARGE / MEBIBYTE / seconds).toFixed(0)} MiB/s, ` +
				`gateway workerd peak memory +${growth.join(" KiB, +")} KiB`,
		);
		for (const kib of growth) {
			expect(kib).toBeLessThan(MEMORY_GROWTH_LIMIT_KIB);
		}
	});

	it("streams a 50 MiB download to the client with its Content-Length and flat memory", async () => {
		const before = gatewayMemory();
		const startedAt = performance.now();
		const response = await fetch(`${stack.gatewayUrl}/api/bytes?count=${LARGE}`, {
			headers: authorization(),
		});
		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Length")).toBe(String(LARGE));

		const digest = createHash("sha256");
		const expected = createHash("sha256");
		let received = 0;
		for await (const chunk of response.body ?? []) {
			digest.update(chunk);
			expected.update(patternChunk(received, chunk.byteLength));
			received += chunk.byteLength;
		}
		const seconds = (performance.now() - startedAt) / 1000;

		expect(received).toBe(LARGE);
		expect(digest.digest("hex")).toBe(expected.digest("hex"));
		const growth = peakGrowthKiB(before);
		console.log(
			`50 MiB download: ${(LARGE / MEBIBYTE / seconds).toFixed(0)} MiB/s, ` +
				`gateway workerd peak memory +${growth.join(" KiB, +")} KiB`,
		);
		for (const kib of growth) {
			expect(kib).toBeLessThan(MEMORY_GROWTH_LIMIT_KIB);
		}
	});

	it("echoes over a WebSocket after the token check, and refuses one without a token", async () => {
		const url = `${stack.gatewayUrl.replace("http:", "ws:")}/api/ws`;
		const socket = new (WebSocket as unknown as NodeWebSocket)(url, { headers: authorization() });
		await new Promise((resolve, reject) => {
			socket.addEventListener("open", resolve, { once: true });
			socket.addEventListener("error", reject, { once: true });
		});
		const echoed = new Promise((resolve) => {
			socket.addEventListener("message", (event) => resolve(event.data), { once: true });
		});
		socket.send("hello through the gateway");
		expect(await echoed).toBe("hello through the gateway");
		socket.close(1000);

		const refused = new (WebSocket as unknown as NodeWebSocket)(url, { headers: {} });
		const outcome = await new Promise((resolve) => {
			refused.addEventListener("open", () => resolve("open"), { once: true });
			refused.addEventListener("error", () => resolve("error"), { once: true });
		});
		expect(outcome).toBe("error");
	});

	it("lets only requests that came through the gateway reach the origin's API", async () => {
		const direct = await fetch(`${stack.originUrl}/api/whoami`, {
			headers: { "X-Gateway-Auth-Subject": "alice" },
		});
		expect(direct.status).toBe(401);
		expect(await direct.json()).toMatchObject({ error: "invalid_gateway_assertion" });

		const through = await fetch(`${stack.gatewayUrl}/api/whoami`, { headers: authorization() });
		expect(through.status).toBe(200);
		expect(await through.json()).toMatchObject({ sub: "alice" });
	});

	it("sends the origin a GET without the body a client attached, and honest headers", async () => {
		const response = await rawRequest(
			`${stack.gatewayUrl}/api/echo?q=%2F`,
			"GET",
			{
				...authorization(),
				"Content-Length": "5",
				"Keep-Alive": "timeout=5",
				"Proxy-Authorization": "Basic eDp5",
				"X-Forwarded-For": "6.6.6.6",
				Forwarded: "for=6.6.6.6",
				"X-Gateway-Auth-Subject": "mallory",
			},
			"hello",
		);
		expect(response.status).toBe(200);
		const echo = JSON.parse(response.text) as {
			query: string;
			body_length: number;
			headers: Record<string, string>;
		};
		expect(echo.query).toBe("q=%2F");
		expect(echo.body_length).toBe(0);
		expect(echo.headers.host).toBe(new URL(stack.originUrl).host);
		expect(echo.headers["x-forwarded-host"]).toBe(new URL(stack.gatewayUrl).host);
		expect(echo.headers["x-gateway-auth-subject"]).toBe("alice");
		for (const name of ["keep-alive", "proxy-authorization", "forwarded", "content-length"]) {
			expect(echo.headers[name], name).toBeUndefined();
		}
		expect(echo.headers["x-forwarded-for"]).not.toContain("6.6.6.6");
	});

	it("answers a client that asked for no compression with a plain body", async () => {
		// The platform tells every worker `Accept-Encoding: br, gzip` and the origin compresses
		// accordingly; the gateway must not pass that encoding to a client that never asked for it.
		const response = await rawRequest(`${stack.gatewayUrl}/public/hello`, "GET", {});
		expect(response.headers["content-encoding"]).toBeUndefined();
		expect(JSON.parse(response.text)).toMatchObject({ message: expect.any(String) });
	});
});
