import { afterEach, describe, expect, it, vi } from "vitest";
import { bearer, logIn, testGateway } from "../support/gateway";

afterEach(() => {
	vi.useRealTimers();
});

/** Moves the fake clock to just before `timeoutMs`, then to it, expecting a 504 only then. */
async function expectTimeoutAfter(pending: Promise<Response>, timeoutMs: number): Promise<void> {
	let settled = false;
	const observed = pending.finally(() => {
		settled = true;
	});
	await vi.advanceTimersByTimeAsync(timeoutMs - 1);
	expect(settled).toBe(false);
	await vi.advanceTimersByTimeAsync(1);

	const response = await observed;
	expect(response.status).toBe(504);
	expect(await response.json()).toMatchObject({ error: "upstream_timeout" });
}

describe("what the origin answers", () => {
	it("hands a redirect to another host back to the client instead of following it", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		gateway.origin.answerWith(
			() =>
				new Response(null, {
					status: 302,
					headers: { Location: "https://elsewhere.example/collect" },
				}),
		);

		const response = await gateway.request("/api/moved", { headers: bearer(token) });
		expect(response.status).toBe(302);
		expect(response.headers.get("Location")).toBe("https://elsewhere.example/collect");
		expect(gateway.origin.proxied()).toHaveLength(1);
		expect(gateway.origin.proxied()[0]?.redirect).toBe("manual");
	});

	it.each([600, 999, 101, 100])(
		"answers 502 for an origin status of %i, which no final answer may have",
		async (status) => {
			const gateway = await testGateway();
			const token = await logIn(gateway);
			// A real fetch hands such statuses over; the Response constructor would refuse them,
			// so the double has only the parts the gateway reads.
			gateway.origin.answerWith(
				() =>
					({
						status,
						statusText: "",
						headers: new Headers(),
						body: null,
						webSocket: null,
					}) as unknown as Response,
			);
			const response = await gateway.request("/api/anything", { headers: bearer(token) });
			expect(response.status).toBe(502);
			expect(await response.json()).toMatchObject({ error: "upstream_invalid_response" });
		},
	);

	it("removes hop-by-hop headers and those Connection names from the response", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		gateway.origin.answerWith(
			() =>
				new Response("body", {
					headers: {
						Connection: "x-origin-hop, close",
						"X-Origin-Hop": "1",
						"Keep-Alive": "timeout=5",
						"Proxy-Authenticate": "Basic",
						Trailer: "Expires",
						Upgrade: "h2c",
						"Set-Cookie": "session=1",
						"X-Kept": "yes",
					},
				}),
		);

		const response = await gateway.request("/api/anything", { headers: bearer(token) });
		expect([...response.headers.keys()].sort()).toEqual([
			"content-type",
			"set-cookie",
			"x-kept",
			"x-request-id",
		]);
		expect(await response.text()).toBe("body");
	});

	it("drops Content-Encoding and Content-Length only for codings the runtime decodes", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const answer = (coding: string) => () =>
			new Response("x", { headers: { "Content-Encoding": coding, "Content-Length": "1" } });

		gateway.origin.answerWith(answer("gzip"));
		const decoded = await gateway.request("/api/a", { headers: bearer(token) });
		expect(decoded.headers.get("Content-Encoding")).toBeNull();
		expect(decoded.headers.get("Content-Length")).toBeNull();

		gateway.origin.answerWith(answer("zstd"));
		const untouched = await gateway.request("/api/a", { headers: bearer(token) });
		expect(untouched.headers.get("Content-Encoding")).toBe("zstd");
	});

	it("passes the origin's own errors through unchanged", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		gateway.origin.answerWith(
			() =>
				new Response("origin is sad", {
					status: 503,
					statusText: "Busy",
					headers: { "Retry-After": "7", "Content-Type": "text/plain" },
				}),
		);

		const response = await gateway.request("/api/anything", { headers: bearer(token) });
		expect(response.status).toBe(503);
		expect(response.statusText).toBe("Busy");
		expect(response.headers.get("Retry-After")).toBe("7");
		expect(await response.text()).toBe("origin is sad");
	});

	it("answers 502 upstream_unavailable as JSON when the origin is down, and logs it", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		gateway.origin.goDown();

		const response = await gateway.request("/api/whoami?secret=in-query", {
			headers: bearer(token),
		});
		expect(response.status).toBe(502);
		expect(response.headers.get("Content-Type")).toContain("application/json");
		const body = (await response.json()) as Record<string, string>;
		expect(body).toEqual({
			error: "upstream_unavailable",
			error_description: "The origin could not be reached.",
		});
		expect(gateway.logs.entries().at(-1)).toMatchObject({
			event: "request",
			status: 502,
			outcome: "upstream_unavailable",
			upstream: "origin.test",
			upstream_error: "TypeError",
		});
		expect(gateway.logs.text()).not.toContain("in-query");
	});

	it("answers 504 upstream_timeout once UPSTREAM_TIMEOUT_MS passes without an answer", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const gateway = await testGateway({ settings: { UPSTREAM_TIMEOUT_MS: "3000" } });
		const arrived = gateway.origin.hang();

		const pending = gateway.request("/public/slow");
		await arrived;
		await expectTimeoutAfter(pending, 3000);
		expect(gateway.logs.entries().at(-1)).toMatchObject({ outcome: "upstream_timeout" });
	});

	it("does not count a slow upload against UPSTREAM_TIMEOUT_MS", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const gateway = await testGateway({ settings: { UPSTREAM_TIMEOUT_MS: "3000" } });
		const token = await logIn(gateway);
		// Like a real fetch, the answer fails as soon as the gateway aborts the request.
		gateway.origin.answerWith(
			(request) =>
				new Promise((resolve, reject) => {
					request.signal.addEventListener("abort", () => reject(request.signal.reason));
					request.text().then((text) => resolve(new Response(text)), reject);
				}),
		);
		let send = (_text: string | null) => {};
		const upload = new ReadableStream<Uint8Array>({
			start(controller) {
				send = (text) =>
					text === null ? controller.close() : controller.enqueue(new TextEncoder().encode(text));
			},
		});

		const pending = gateway.request("/api/upload", {
			method: "POST",
			headers: bearer(token),
			body: upload,
		});
		// Five pieces, two seconds apart: ten seconds in all, never three without progress.
		for (const piece of ["a", "b", "c", "d", "e"]) {
			await vi.advanceTimersByTimeAsync(2000);
			send(piece);
		}
		send(null);

		const response = await pending;
		expect(response.status).toBe(200);
		expect(await response.text()).toBe("abcde");
	});

	it("counts UPSTREAM_TIMEOUT_MS from the moment the origin has the whole body", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const gateway = await testGateway({ settings: { UPSTREAM_TIMEOUT_MS: "3000" } });
		const token = await logIn(gateway);
		let bodyTaken = (_length: number) => {};
		const taken = new Promise<number>((resolve) => {
			bodyTaken = resolve;
		});
		// An origin that reads the whole body, then never answers.
		gateway.origin.answerWith(
			(request) =>
				new Promise((_resolve, reject) => {
					request.signal.addEventListener("abort", () => reject(request.signal.reason));
					request.arrayBuffer().then((body) => bodyTaken(body.byteLength), reject);
				}),
		);

		const pending = gateway.request("/api/upload", {
			method: "POST",
			headers: bearer(token),
			body: "x".repeat(1000),
		});
		expect(await taken).toBe(1000);
		await expectTimeoutAfter(pending, 3000);
	});

	it("lets a slow body stream on after the headers arrived in time", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const gateway = await testGateway({ settings: { UPSTREAM_TIMEOUT_MS: "3000" } });
		let finish = (_text: string) => {};
		gateway.origin.answerWith(
			() =>
				new Response(
					new ReadableStream<Uint8Array>({
						start(controller) {
							controller.enqueue(new TextEncoder().encode("early "));
							finish = (text) => {
								controller.enqueue(new TextEncoder().encode(text));
								controller.close();
							};
						},
					}),
				),
		);

		const response = await gateway.request("/public/slow-body");
		await vi.advanceTimersByTimeAsync(10_000);
		finish("late");
		expect(await response.text()).toBe("early late");
	});
});
