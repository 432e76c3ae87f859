import { describe, expect, it } from "vitest";
import { upstreamUrlFor } from "../../src/proxy/forward";
import { stripHopByHopHeaders } from "../../src/proxy/headers";
import { bearer, expectEveryPathAnswered, logIn, testGateway } from "../support/gateway";

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

	it("deletes forged identity headers in any letter case, on protected and public paths", async () => {
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
		const lookAlikes = [
			"/publicity",
			"/public",
			"/public/../api/whoami",
			"/public/%2e%2e/api/whoami",
		];
		await expectEveryPathAnswered(gateway, lookAlikes, 401);
	});

	it("sends the origin the end-to-end headers plus what the gateway vouches for", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const sent = {
			// End-to-end headers, which reach the origin as they are.
			Accept: "application/json",
			"Accept-Language": "en",
			Cookie: "theme=dark",
			"User-Agent": "test-client",
			"X-Custom": "kept",
			// Hop-by-hop, and the header Connection names.
			Connection: "x-secret-hop, keep-alive",
			"X-Secret-Hop": "1",
			"Keep-Alive": "timeout=5",
			TE: "trailers",
			Trailer: "Expires",
			"Proxy-Authorization": "Basic Zm9vOmJhcg==",
			"Proxy-Connection": "keep-alive",
			Upgrade: "h2c",
			// The client's own view of the connection, which the gateway replaces.
			Host: "evil.example",
			"Content-Length": "0",
			"X-Forwarded-For": "6.6.6.6",
			"X-Forwarded-Host": "evil.example",
			"X-Forwarded-Proto": "gopher",
			"X-Forwarded-Port": "1",
			Forwarded: "for=6.6.6.6;host=evil.example",
			"X-Real-IP": "6.6.6.6",
			"X-Request-Id": "chosen-by-client",
			// Attempts to make the origin act on another path or method than the gateway checked.
			"X-Original-URL": "/admin",
			"X-Rewrite-URL": "/admin",
			"X-HTTP-Method-Override": "DELETE",
			"X-HTTP-Method": "DELETE",
			"X-Method-Override": "DELETE",
			"X-Original-Method": "DELETE",
			"True-Client-IP": "6.6.6.6",
			"X-Client-IP": "6.6.6.6",
			"Client-IP": "6.6.6.6",
			"X-Cluster-Client-IP": "6.6.6.6",
			"Fastly-Client-IP": "6.6.6.6",
			"X-ProxyUser-Ip": "6.6.6.6",
			"X-Forwarded": "for=6.6.6.6",
			"Forwarded-For": "6.6.6.6",
			"X-Original-Host": "evil.example",
			"X-Host": "evil.example",
			"X-Envoy-Original-Path": "/admin",
			"X-Original-URI": "/admin",
			"X-Scheme": "gopher",
			"Front-End-Https": "off",
			"X-Originating-IP": "6.6.6.6",
			// Identities that other access layers vouch for, and the gateway's wider namespace.
			"X-Remote-User": "mallory",
			"Remote-User": "mallory",
			"X-Auth-Request-User": "mallory",
			"X-Authenticated-User": "mallory",
			"Cf-Access-Jwt-Assertion": "forged",
			"Cf-Access-Authenticated-User-Email": "mallory@example.com",
			"X-WebAuth-User": "mallory",
			"X-Amzn-Oidc-Identity": "mallory",
			"X-Ms-Client-Principal-Name": "mallory",
			"X-Goog-Authenticated-User-Email": "mallory@example.com",
			"X-Consumer-Username": "mallory",
			"X-SSL-Client-S-DN": "CN=mallory",
			X_Original_URL: "/admin",
			X_HTTP_Method_Override: "DELETE",
			Remote_User: "mallory",
			"X-Gateway-Auth": "mallory",
			"X-Gateway-Authorization": "mallory",
			// Underscored spellings, which CGI-style servers read as the dashed header.
			X_Gateway_Auth_Subject: "mallory",
			"x-gateway-auth_subject": "mallory",
			X_Forwarded_For: "6.6.6.6",
			// Forged identity, in mixed case.
			"X-GATEWAY-AUTH-SUBJECT": "mallory",
			"x-Gateway-Auth-Assertion": "forged",
			"X-Gateway-Auth-Role": "admin",
			...bearer(token),
		};
		const response = await gateway.request("/api/echo", {
			headers: { ...sent, "CF-Connecting-IP": "203.0.113.7" },
		});
		expect(response.status).toBe(200);

		const received = gateway.origin.proxied()[0]?.headers ?? new Headers();
		expect([...received.keys()].sort()).toEqual([
			"accept",
			"accept-language",
			"cf-connecting-ip",
			"cookie",
			"user-agent",
			"x-custom",
			"x-forwarded-for",
			"x-forwarded-host",
			"x-forwarded-proto",
			"x-gateway-auth-assertion",
			"x-gateway-auth-claims",
			"x-gateway-auth-expires-at",
			"x-gateway-auth-issuer",
			"x-gateway-auth-session",
			"x-gateway-auth-subject",
			"x-gateway-auth-token-id",
			"x-request-id",
		]);
		expect(received.get("x-custom")).toBe("kept");
		expect(received.get("x-gateway-auth-subject")).toBe("alice");
		expect(received.get("x-gateway-auth-issuer")).toBe("test-issuer");
		expect(received.get("x-gateway-auth-assertion")).not.toBe("forged");
		expect(received.get("x-forwarded-for")).toBe("203.0.113.7");
		expect(received.get("x-forwarded-host")).toBe("gateway.test");
		expect(received.get("x-forwarded-proto")).toBe("https");
		expect(received.get("x-request-id")).toBe(response.headers.get("X-Request-Id"));
	});

	it("logs the path as forwarded, escapes kept, without its query", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		await gateway.request("/api/a%2Fb%20c?access_token=secret-value", { headers: bearer(token) });
		const line = gateway.logs.entries().findLast((entry) => entry.event === "request");
		expect(line?.path).toBe("/api/a%2Fb%20c");
		expect(JSON.stringify(gateway.logs.entries())).not.toContain("secret-value");
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
