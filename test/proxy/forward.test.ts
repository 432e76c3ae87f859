import { describe, expect, it } from "vitest";
import { upstreamUrlFor } from "../../src/proxy/forward";
import { stripHopByHopHeaders } from "../../src/proxy/headers";
import { bearer, logIn, testGateway } from "../support/gateway";

interface Echo {
	method: string;
	path: string;
	query: string;
	headers: Record<string, string>;
	body_length: number;
	body_sha256: string;
}

describe("forwarding to the origin", () => {
	it("passes method, raw path, query and body, and adds the verified identity", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const response = await gateway.request("/api/echo?x=%2F&y=1", {
			method: "PUT",
			headers: { ...bearer(token), "Content-Type": "text/plain" },
			body: "hello",
		});
		expect(response.status).toBe(200);
		const echo = (await response.json()) as Echo;
		expect(echo).toMatchObject({ method: "PUT", path: "/api/echo", query: "x=%2F&y=1" });
		expect(echo.body_length).toBe(5);
		expect(echo.body_sha256).toBe(
			"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
		);
		expect(echo.headers["x-gateway-auth-subject"]).toBe("alice");
		expect(echo.headers["x-request-id"]).toBe(response.headers.get("X-Request-Id"));
		expect(echo.headers.authorization).toBeUndefined();
	});

	it("deletes client-sent identity headers in any letter case, on protected and public paths", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway, "bob", "builder");
		const spoofed = {
			"X-Gateway-Auth-Subject": "alice",
			"x-gateway-auth-claims": "e30",
			"X-GATEWAY-AUTH-ROLE": "admin",
		};
		const protectedEcho = (await (
			await gateway.request("/api/echo", { headers: { ...bearer(token), ...spoofed } })
		).json()) as Echo;
		expect(protectedEcho.headers["x-gateway-auth-subject"]).toBe("bob");
		expect(protectedEcho.headers["x-gateway-auth-role"]).toBeUndefined();

		await gateway.request("/public/hello", { headers: spoofed });
		const publicRequest = gateway.origin.requests.at(-1);
		expect(publicRequest?.headers.get("x-gateway-auth-subject")).toBeNull();
		expect(publicRequest?.headers.get("x-gateway-auth-claims")).toBeNull();
	});

	it("lets public paths through without a token", async () => {
		const gateway = await testGateway();
		const response = await gateway.request("/public/hello");
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ message: expect.any(String) });
	});

	it("does not treat a look-alike path as public", async () => {
		const gateway = await testGateway();
		for (const path of [
			"/publicity",
			"/public",
			"/public/../api/whoami",
			"/public/%2e%2e/api/whoami",
		]) {
			const response = await gateway.request(path);
			expect(response.status, path).toBe(401);
		}
		expect(gateway.origin.proxied()).toHaveLength(0);
	});

	it("removes hop-by-hop headers and the headers Connection names", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const echo = (await (
			await gateway.request("/api/echo", {
				headers: {
					...bearer(token),
					Connection: "x-secret-hop, keep-alive",
					"X-Secret-Hop": "1",
					"Proxy-Authorization": "Basic Zm9vOmJhcg==",
					"Keep-Alive": "timeout=5",
					"X-Kept": "yes",
				},
			})
		).json()) as Echo;
		expect(echo.headers["x-secret-hop"]).toBeUndefined();
		expect(echo.headers["proxy-authorization"]).toBeUndefined();
		expect(echo.headers["keep-alive"]).toBeUndefined();
		expect(echo.headers["x-kept"]).toBe("yes");
	});

	it("replaces client-sent X-Forwarded-* with what the gateway saw", async () => {
		const gateway = await testGateway();
		const echo = (await (
			await gateway.request("/public/hello", {
				headers: { "X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.example" },
			})
		).json()) as Record<string, unknown>;
		expect(echo).toBeDefined();
		const seen = gateway.origin.requests.at(-1)?.headers;
		expect(seen?.get("x-forwarded-for")).toBeNull();
		expect(seen?.get("x-forwarded-host")).toBe("gateway.test");
		expect(seen?.get("x-forwarded-proto")).toBe("https");
	});

	it("forwards Authorization only when FORWARD_AUTHORIZATION is true", async () => {
		const gateway = await testGateway({ settings: { FORWARD_AUTHORIZATION: "true" } });
		const token = await logIn(gateway);
		const echo = (await (
			await gateway.request("/api/echo", { headers: bearer(token) })
		).json()) as Echo;
		expect(echo.headers.authorization).toBe(`Bearer ${token}`);
	});

	it("answers 502 upstream_unavailable as JSON when the origin is down", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		gateway.origin.goDown();
		const response = await gateway.request("/api/whoami", { headers: bearer(token) });
		expect(response.status).toBe(502);
		expect(await response.json()).toMatchObject({ error: "upstream_unavailable" });
	});

	it("passes the origin's own errors through unchanged", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const response = await gateway.request("/api/does-not-exist", { headers: bearer(token) });
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ error: "not_found" });
	});
});

describe("upstreamUrlFor", () => {
	it("joins the upstream base path and the client's raw path and query", () => {
		const client = new URL("https://edge.example/api/a%2Fb?q=%20");
		expect(upstreamUrlFor(new URL("http://origin:8788"), client).href).toBe(
			"http://origin:8788/api/a%2Fb?q=%20",
		);
		expect(upstreamUrlFor(new URL("http://origin/base/"), client).href).toBe(
			"http://origin/base/api/a%2Fb?q=%20",
		);
	});
});

describe("stripHopByHopHeaders", () => {
	it("survives a Connection header naming invalid header names", () => {
		const headers = new Headers({ Connection: "bad name, (x), te", TE: "trailers", A: "1" });
		const stripped = stripHopByHopHeaders(headers);
		expect([...stripped.keys()]).toEqual(["a"]);
	});
});
