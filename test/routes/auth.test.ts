import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { TEST_EPOCH } from "../support/clock";
import { bearer, logIn, testGateway } from "../support/gateway";

const json = { "Content-Type": "application/json" };

describe("POST /auth/login", () => {
	it("mints a token with issuer, audience, subject, jti, sid, iat and exp", async () => {
		const gateway = await testGateway();
		const response = await gateway.request("/auth/login", {
			method: "POST",
			headers: json,
			body: JSON.stringify({ username: "alice", password: "wonderland" }),
		});

		expect(response.status).toBe(200);
		expect(response.headers.get("Cache-Control")).toBe("no-store");
		const body = (await response.json()) as Record<string, unknown>;
		expect(body).toMatchObject({ token_type: "Bearer", expires_in: 900 });
		const claims = decodeJwt(String(body.access_token));
		expect(claims).toMatchObject({
			iss: "test-issuer",
			aud: "test-api",
			sub: "alice",
			iat: TEST_EPOCH / 1000,
			exp: TEST_EPOCH / 1000 + 900,
			name: "Alice Liddell",
		});
		expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
		expect(claims.sid).toMatch(/^[0-9a-f-]{36}$/);
		const header = decodeProtectedHeader(String(body.access_token));
		expect(header).toMatchObject({ alg: "HS256", typ: "at+jwt" });
		expect(header.kid).toBe(gateway.deps.keys.current.keyId);
	});

	it("keeps millisecond precision in iat and a whole-second exp", async () => {
		const gateway = await testGateway();
		gateway.clock.advance(1234);
		const claims = decodeJwt(await logIn(gateway));
		expect(claims.iat).toBe(TEST_EPOCH / 1000 + 1.234);
		expect(claims.exp).toBe(TEST_EPOCH / 1000 + 1 + 900);
	});

	it("uses the configured token lifetime", async () => {
		const gateway = await testGateway({ settings: { TOKEN_LIFETIME_SECONDS: "120" } });
		const claims = decodeJwt(await logIn(gateway));
		expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
	});

	it("gives every login a new session and token id", async () => {
		const gateway = await testGateway();
		const first = decodeJwt(await logIn(gateway));
		const second = decodeJwt(await logIn(gateway));
		expect(first.sid).not.toBe(second.sid);
		expect(first.jti).not.toBe(second.jti);
	});

	it("answers 401 invalid_credentials to a wrong password, without a token", async () => {
		const gateway = await testGateway();
		const response = await gateway.request("/auth/login", {
			method: "POST",
			headers: json,
			body: JSON.stringify({ username: "alice", password: "looking-glass" }),
		});
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ error: "invalid_credentials" });
	});

	it.each([
		["broken JSON", "{not json", 400, "invalid_request"],
		["a missing password", JSON.stringify({ username: "alice" }), 400, "invalid_request"],
		[
			"a number as username",
			JSON.stringify({ username: 7, password: "x" }),
			400,
			"invalid_request",
		],
		["an array", "[]", 400, "invalid_request"],
		["an empty body", "", 400, "invalid_request"],
	])("answers %s with a JSON 400", async (_case, body, status, error) => {
		const gateway = await testGateway();
		const response = await gateway.request("/auth/login", { method: "POST", headers: json, body });
		expect(response.status).toBe(status);
		expect(await response.json()).toMatchObject({ error });
		expect(gateway.origin.requests).toHaveLength(0);
	});

	it("answers a wrong content type with 415", async () => {
		const gateway = await testGateway();
		const response = await gateway.request("/auth/login", {
			method: "POST",
			headers: { "Content-Type": "text/plain" },
			body: JSON.stringify({ username: "alice", password: "wonderland" }),
		});
		expect(response.status).toBe(415);
		expect(await response.json()).toMatchObject({ error: "unsupported_media_type" });
	});

	it("answers an oversized body with 413 before asking the origin", async () => {
		const gateway = await testGateway();
		const response = await gateway.request("/auth/login", {
			method: "POST",
			headers: json,
			body: JSON.stringify({ username: "alice", password: "x".repeat(100_000) }),
		});
		expect(response.status).toBe(413);
		expect(gateway.origin.requests).toHaveLength(0);
	});

	it("answers 502 upstream_unavailable when the credential check cannot be reached", async () => {
		const gateway = await testGateway();
		gateway.origin.goDown();
		const response = await gateway.request("/auth/login", {
			method: "POST",
			headers: json,
			body: JSON.stringify({ username: "alice", password: "wonderland" }),
		});
		expect(response.status).toBe(502);
		expect(await response.json()).toMatchObject({ error: "upstream_unavailable" });
	});

	it("asks the credential check under the upstream's base path, on the upstream's host", async () => {
		const gateway = await testGateway({
			settings: { UPSTREAM_URL: "http://origin.test/base/", CREDENTIAL_CHECK_PATH: "/check" },
		});
		await gateway.request("/auth/login", {
			method: "POST",
			headers: json,
			body: JSON.stringify({ username: "alice", password: "wonderland" }),
		});
		expect(gateway.origin.requests.map((request) => request.url)).toEqual([
			"http://origin.test/base/check",
		]);
	});

	it("answers GET with 405", async () => {
		const gateway = await testGateway();
		const response = await gateway.request("/auth/login");
		expect(response.status).toBe(405);
		expect(await response.json()).toMatchObject({ error: "method_not_allowed" });
	});

	it("never writes the password or the token into a log line", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		await gateway.request("/auth/login", {
			method: "POST",
			headers: json,
			body: JSON.stringify({ username: "alice", password: "wrong-password-123" }),
		});
		const text = gateway.logs.text();
		expect(text).not.toContain("wonderland");
		expect(text).not.toContain("wrong-password-123");
		expect(text).not.toContain(token);
		expect(text).not.toContain(token.split(".")[2]);
	});
});

describe("POST /auth/logout", () => {
	it("ends the caller's session: every token of that login is refused, others still pass", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const otherSession = await logIn(gateway);

		gateway.clock.advance(10);
		const response = await gateway.request("/auth/logout", {
			method: "POST",
			headers: bearer(token),
		});
		expect(response.status).toBe(200);
		const body = (await response.json()) as { revoked: Record<string, unknown> };
		expect(body.revoked).toMatchObject({
			kind: "session",
			id: decodeJwt(token).sid,
			revoked_by: "self",
		});

		gateway.clock.advance(10);
		const proxiedBefore = gateway.origin.proxied().length;
		const refused = await gateway.request("/api/whoami", { headers: bearer(token) });
		expect(refused.status).toBe(401);
		expect(gateway.origin.proxied()).toHaveLength(proxiedBefore);

		const other = await gateway.request("/api/whoami", { headers: bearer(otherSession) });
		expect(other.status).toBe(200);
	});

	it("needs a valid token", async () => {
		const gateway = await testGateway();
		const response = await gateway.request("/auth/logout", { method: "POST" });
		expect(response.status).toBe(401);
		expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="jwt-edge-gateway"');
	});

	it("cannot be repeated with the same token once it has taken effect", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		gateway.clock.advance(5);
		await gateway.request("/auth/logout", { method: "POST", headers: bearer(token) });
		gateway.clock.advance(5);
		const again = await gateway.request("/auth/logout", { method: "POST", headers: bearer(token) });
		expect(again.status).toBe(401);
	});
});
