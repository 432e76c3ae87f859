import { describe, expect, it } from "vitest";
import {
	adminRevoke,
	bearer,
	expectEveryPathAnswered,
	logIn,
	type TestGateway,
	testGateway,
} from "../support/gateway";

const ROUTES = JSON.stringify([
	{ path: "/api/*", auth: "required", preflight: "forward" },
	{ path: "/api/strict/*", auth: "required" },
	{ path: "/files/*", upstream: "http://files.test/storage", auth: "optional" },
	{ path: "/public/*", auth: "public" },
	{ path: "/status", upstream: "http://status.test", auth: "public" },
]);

const SPOOFED_IDENTITY = {
	"X-Gateway-Auth-Subject": "admin",
	"x-gateway-auth-token-id": "forged",
	"X-GATEWAY-AUTH-CLAIMS": "e30",
};

async function routedGateway(): Promise<TestGateway> {
	return testGateway({ settings: { ROUTES } });
}

function lastForwarded(gateway: TestGateway) {
	return gateway.origin.proxied().at(-1);
}

function identityHeadersOf(headers: Headers | undefined): string[] {
	return [...(headers?.keys() ?? [])].filter(
		(name) => name.startsWith("x-gateway-auth-") && name !== "x-gateway-auth-assertion",
	);
}

describe("routes", () => {
	it("forwards each prefix to its own upstream, after its base path", async () => {
		const gateway = await routedGateway();
		const token = await logIn(gateway);

		await gateway.request("/api/echo?q=1", { headers: bearer(token) });
		await gateway.request("/files/a%20b.txt", { headers: bearer(token) });
		await gateway.request("/status");
		expect(gateway.origin.proxied().map((request) => request.url)).toEqual([
			"http://origin.test/api/echo?q=1",
			"http://files.test/storage/files/a%20b.txt",
			"http://status.test/status",
		]);
	});

	it("answers 404 for a path no route serves, without calling any origin", async () => {
		const gateway = await routedGateway();
		const token = await logIn(gateway);
		const response = await gateway.request("/elsewhere", { headers: bearer(token) });
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ error: "not_found" });
		expect(gateway.logs.entries().at(-1)).toMatchObject({ outcome: "route_not_found" });
		expect(gateway.origin.proxied()).toHaveLength(0);
	});

	it("requires a token on a required route", async () => {
		const gateway = await routedGateway();
		const response = await gateway.request("/api/echo");
		expect(response.status).toBe(401);
		expect(response.headers.get("WWW-Authenticate")).toContain("Bearer");
		expect(gateway.origin.proxied()).toHaveLength(0);
	});

	it("strips forged identity on a public route and forwards it anonymously", async () => {
		const gateway = await routedGateway();
		const response = await gateway.request("/status", { headers: SPOOFED_IDENTITY });
		expect(response.status).toBe(404);
		expect(identityHeadersOf(lastForwarded(gateway)?.headers)).toEqual([]);
	});

	describe("an optional route", () => {
		it("forwards without a token anonymously, forged identity stripped", async () => {
			const gateway = await routedGateway();
			await gateway.request("/files/report.pdf", { headers: SPOOFED_IDENTITY });
			expect(gateway.origin.proxied()).toHaveLength(1);
			expect(identityHeadersOf(lastForwarded(gateway)?.headers)).toEqual([]);
		});

		it("forwards the identity of a valid token", async () => {
			const gateway = await routedGateway();
			const token = await logIn(gateway, "bob", "builder");
			await gateway.request("/files/report.pdf", {
				headers: { ...bearer(token), ...SPOOFED_IDENTITY },
			});
			expect(lastForwarded(gateway)?.headers.get("x-gateway-auth-subject")).toBe("bob");
			expect(lastForwarded(gateway)?.headers.get("x-gateway-auth-claims")).not.toBe("e30");
		});

		it("refuses an invalid or revoked token rather than forwarding it as anonymous", async () => {
			const gateway = await routedGateway();
			const token = await logIn(gateway);
			expect((await adminRevoke(gateway, { sub: "alice" })).status).toBe(201);

			for (const authorization of [`Bearer ${token}`, "Bearer not.a.token", "Basic eDp5", ""]) {
				const response = await gateway.request("/files/report.pdf", {
					headers: { Authorization: authorization },
				});
				expect(response.status, authorization).toBe(401);
			}
			expect(gateway.origin.proxied()).toHaveLength(0);
		});
	});

	describe("CORS preflights", () => {
		const preflight = {
			method: "OPTIONS",
			headers: {
				Origin: "https://app.example",
				"Access-Control-Request-Method": "POST",
				"Access-Control-Request-Headers": "authorization, content-type",
			},
		};

		it("pass without a token where the route forwards them, as anonymous", async () => {
			const gateway = await routedGateway();
			const response = await gateway.request("/api/echo", {
				...preflight,
				headers: { ...preflight.headers, ...SPOOFED_IDENTITY },
			});
			expect(response.status).toBe(204);
			expect(response.headers.get("Access-Control-Allow-Methods")).toContain("POST");
			expect(lastForwarded(gateway)?.method).toBe("OPTIONS");
			expect(identityHeadersOf(lastForwarded(gateway)?.headers)).toEqual([]);
		});

		it("need a token where the route does not forward them", async () => {
			const gateway = await routedGateway();
			const response = await gateway.request("/api/strict/echo", preflight);
			expect(response.status).toBe(401);
			expect(gateway.origin.proxied()).toHaveLength(0);
		});

		it("are only OPTIONS requests with Origin and Access-Control-Request-Method", async () => {
			const gateway = await routedGateway();
			const plainOptions = await gateway.request("/api/echo", { method: "OPTIONS" });
			expect(plainOptions.status).toBe(401);
			const notOptions = await gateway.request("/api/echo", {
				method: "DELETE",
				headers: preflight.headers,
			});
			expect(notOptions.status).toBe(401);
			const withBody = await gateway.request("/api/echo", {
				method: "OPTIONS",
				headers: preflight.headers,
				body: "smuggled",
			});
			expect(withBody.status).toBe(401);
			expect(gateway.origin.proxied()).toHaveLength(0);
		});
	});

	describe("ambiguous paths", () => {
		it("refuses a path that a decoding origin would route elsewhere", async () => {
			const gateway = await routedGateway();
			for (const path of [
				"/public/..%2Fapi%2Fwhoami",
				"/public/%2e%2e%2fapi/whoami",
				"/public/..%5Capi/whoami",
				"/files/..%2f..%2fapi/whoami",
				"/public/x/..%2F..%2Fstatus",
			]) {
				const response = await gateway.request(path);
				expect(response.status, path).toBe(400);
				expect(await response.json(), path).toMatchObject({ error: "invalid_request" });
				expect(gateway.logs.entries().at(-1), path).toMatchObject({ outcome: "path_ambiguous" });
			}
			expect(gateway.origin.proxied()).toHaveLength(0);
		});

		it("refuses a doubled slash that an origin merging slashes would route elsewhere", async () => {
			const gateway = await testGateway({
				settings: {
					ROUTES: JSON.stringify([
						{ path: "/*", auth: "public" },
						{ path: "/private/*", auth: "required" },
					]),
				},
			});
			expect((await gateway.request("//private/report")).status).toBe(400);
			expect((await gateway.request("/private/report")).status).toBe(401);
			expect(gateway.origin.proxied()).toHaveLength(0);
		});

		it("forwards encoded slashes unchanged when the route stays the same", async () => {
			const gateway = await routedGateway();
			const token = await logIn(gateway);
			await gateway.request("/api/docs/a%2Fb/c%2Fd?x=%2F", { headers: bearer(token) });
			expect(lastForwarded(gateway)?.url).toBe("http://origin.test/api/docs/a%2Fb/c%2Fd?x=%2F");
		});

		it("refuses escaped letters, case, trailing slashes and ;params that change the route", async () => {
			const gateway = await testGateway({
				settings: {
					ROUTES: JSON.stringify([
						{ path: "/*", auth: "public" },
						{ path: "/api/*", auth: "optional" },
						{ path: "/api/echo", auth: "required" },
						{ path: "/private/*", auth: "required" },
					]),
				},
			});
			for (const path of [
				"/%61pi/echo",
				"/api/%65cho",
				"/API/echo",
				"/Private/report",
				"/api/echo/",
				"/api/echo;x=1",
				"/private;x/report",
			]) {
				const response = await gateway.request(path);
				expect(response.status, path).toBe(400);
				expect(gateway.logs.entries().at(-1), path).toMatchObject({ outcome: "path_ambiguous" });
			}
			expect(gateway.origin.proxied()).toHaveLength(0);
			expect((await gateway.request("/public/Photo.JPG")).status).not.toBe(400);
		});

		it("refuses escaped dot segments even on the same route, so no base path can be left", async () => {
			const gateway = await routedGateway();
			const escapedDots = [
				"/files/..%2fsecret",
				"/files/x/..%2fy",
				"/files/.%2Fx",
				"/files/..%5Cx",
			];
			await expectEveryPathAnswered(gateway, escapedDots, 400);
		});

		it("refuses escapes that some origins decode into something else, on any route", async () => {
			const gateway = await routedGateway();
			const decodedElsewhere = [
				"/public/%u002e%u002e/api/echo",
				"/public/%c0%ae%c0%ae/api/echo",
				"/public/%C1%9C/x",
				"/files/..%00/secret",
				// Escapes left after one decoding, which an origin decoding twice would turn into `/`.
				"/files/..%252f..%252fapi",
				"/public/a%2541",
				"/public/..%25%32%66api%25%32%66whoami",
				"/public/..%%32%66api%%32%66whoami",
				// Bytes that are not UTF-8 (overlong forms a lax decoder reads as `.` and `/`), and a
				// full-width slash that NFKC folds into `/`.
				"/public/%e0%80%ae%e0%80%ae%e0%80%afapi%e0%80%afwhoami",
				"/public/%f0%80%80%ae%f0%80%80%ae/api",
				"/public/%80x",
				"/public/..%EF%BC%8Fapi%EF%BC%8Fwhoami",
			];
			await expectEveryPathAnswered(gateway, decodedElsewhere, 400);
			expect((await gateway.request("/public/100%25")).status).not.toBe(400);
			expect((await gateway.request("/public/caf%C3%A9")).status).not.toBe(400);
		});

		it("refuses spellings of the gateway's own paths that a lenient origin would serve", async () => {
			const gateway = await testGateway({
				settings: { ROUTES: JSON.stringify([{ path: "/*", auth: "public" }]) },
			});
			const ownPaths = [
				"/Auth/verify",
				"/AUTH/login",
				"/auth;x/verify",
				"/auth%2Fverify",
				"/Admin/revocations",
				"/admin;/revocations",
				"/.Well-Known/jwks.json",
				"/oauth%2Fintrospect",
				"//auth/verify",
			];
			for (const path of ownPaths) {
				const response = await gateway.request(path, { method: "POST", body: "{}" });
				expect(response.status, path).toBe(400);
			}
			expect(gateway.origin.proxied()).toHaveLength(0);
			await gateway.request("/authors");
			expect(gateway.origin.proxied()).toHaveLength(1);
		});

		it("serves routes whose paths have capital letters", async () => {
			const gateway = await testGateway({
				settings: {
					ROUTES: JSON.stringify([
						{ path: "/Reports/*", auth: "public" },
						{ path: "/statusPage", auth: "public" },
						{ path: "/*", auth: "required" },
					]),
				},
			});
			// The example origin has no such pages and answers 404: what matters is that it was asked.
			expect((await gateway.request("/Reports/q1")).status).toBe(404);
			expect((await gateway.request("/statusPage")).status).toBe(404);
			expect(gateway.origin.proxied().map(({ url }) => new URL(url).pathname)).toEqual([
				"/Reports/q1",
				"/statusPage",
			]);
			expect((await gateway.request("/reports/q1")).status).toBe(401);
		});

		it("refuses a plain path that a case-blind or slash-adding origin reads as stricter", async () => {
			const gateway = await testGateway({
				settings: {
					ROUTES: JSON.stringify([
						{ path: "/*", auth: "public" },
						{ path: "/h/Private/*", auth: "required" },
						{ path: "/Admin2", auth: "required" },
						{ path: "/api/*", auth: "required" },
					]),
				},
			});
			await expectEveryPathAnswered(gateway, ["/h/private/x", "/admin2", "/api"], 400);
			expect((await gateway.request("/h/Private/x")).status).toBe(401);
		});

		it("forwards a path whose other readings ask no more on the same upstream", async () => {
			const gateway = await testGateway({
				settings: {
					ROUTES: JSON.stringify([
						{ path: "/api/*", auth: "required" },
						{ path: "/*", auth: "public" },
					]),
				},
			});
			const token = await logIn(gateway);
			// Read without its trailing slash, `/api/` is `/api`, public: the token asked here is
			// more than that reading needs, so nothing is bypassed.
			await gateway.request("/api/", { headers: bearer(token) });
			expect(gateway.origin.proxied().map(({ url }) => url)).toEqual(["http://origin.test/api/"]);
			expect((await gateway.request("/api/")).status).toBe(401);
			// The other way round, `/api` read as `/api/` would skip the token: still refused.
			expect((await gateway.request("/Api/x")).status).toBe(400);
		});
	});
});
