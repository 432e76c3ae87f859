import { decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createOriginApp } from "../../examples/origin/src/app";
import { requestBinding } from "../../src/proxy/origin-assertion";
import { bearer, logIn, type TestGateway, testGateway } from "../support/gateway";
import { TEST_ORIGIN_ASSERTION_SECRET } from "../support/recording-origin";

const SECRET = new TextEncoder().encode(TEST_ORIGIN_ASSERTION_SECRET);

function assertionSentTo(gateway: TestGateway): string {
	const assertion = gateway.origin.proxied().at(-1)?.headers.get("x-gateway-auth-assertion");
	if (assertion == null) {
		throw new Error("the origin received no assertion");
	}
	return assertion;
}

/** The example origin on its own, as an attacker who reaches it directly would call it. */
function originAt(gateway: TestGateway) {
	const app = createOriginApp({ now: gateway.clock });
	const env = {
		ORIGIN_ASSERTION_SECRET: TEST_ORIGIN_ASSERTION_SECRET,
		GATEWAY_ISSUER: "test-issuer",
		ASSERTION_AUDIENCE: "http://origin.test",
	};
	return (path: string, headers: Record<string, string>, host = "origin.test") =>
		app.request(`http://${host}${path}`, { headers }, env);
}

describe("the origin assertion", () => {
	it("vouches for the identity, this origin and this request, for 60 seconds", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		await gateway.request("/api/echo?x=1", { method: "POST", headers: bearer(token), body: "b" });

		const assertion = assertionSentTo(gateway);
		expect(decodeProtectedHeader(assertion)).toEqual({
			alg: "HS256",
			kid: gateway.deps.originAssertions.key.keyId,
			typ: "gateway-assertion+jwt",
		});
		const { payload } = await jwtVerify(assertion, SECRET, {
			currentDate: new Date(gateway.clock()),
		});
		const sentHeaders = gateway.origin.proxied().at(-1)?.headers;
		expect(payload).toMatchObject({
			iss: "test-issuer",
			aud: "http://origin.test",
			sub: "alice",
			sid: sentHeaders?.get("x-gateway-auth-session"),
			token_id: sentHeaders?.get("x-gateway-auth-token-id"),
			token_claims: { sub: "alice", name: "Alice Liddell" },
			request_sha256: await requestBinding("POST", new URL("http://origin.test/api/echo?x=1")),
		});
		expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60);
		expect(payload.jti).toEqual(expect.any(String));
	});

	it("is never signed with the token signing key", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		await gateway.request("/api/whoami", { headers: bearer(token) });
		await expect(
			jwtVerify(assertionSentTo(gateway), gateway.deps.keys.current.privateKey, {
				currentDate: new Date(gateway.clock()),
			}),
		).rejects.toThrow();
	});

	it("comes without identity on a public path, and the origin sees no user", async () => {
		const gateway = await testGateway();
		await gateway.request("/public/hello");
		const { payload } = await jwtVerify(assertionSentTo(gateway), SECRET, {
			currentDate: new Date(gateway.clock()),
		});
		expect(payload.sub).toBeUndefined();
		expect(payload.token_id).toBeUndefined();
		expect(payload.aud).toBe("http://origin.test");
	});

	it("lets the example origin answer whoami from the assertion alone", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway, "bob", "builder");
		const response = await gateway.request("/api/whoami", { headers: bearer(token) });
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({
			sub: "bob",
			claims: { name: "Bob the Builder", roles: ["reader", "writer"] },
		});
	});
});

describe("the example origin", () => {
	it("refuses /api/* without an assertion, whatever identity headers come along", async () => {
		const gateway = await testGateway();
		const call = originAt(gateway);
		const response = await call("/api/whoami", { "X-Gateway-Auth-Subject": "alice" });
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ error: "invalid_gateway_assertion" });
		expect((await call("/public/hello", {})).status).toBe(200);
	});

	it("refuses an assertion replayed on another path or method", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		await gateway.request("/api/whoami", { headers: bearer(token) });
		const captured = assertionSentTo(gateway);
		const call = originAt(gateway);

		expect((await call("/api/whoami", { "X-Gateway-Auth-Assertion": captured })).status).toBe(200);
		const elsewhere = await call("/api/echo", { "X-Gateway-Auth-Assertion": captured });
		expect(elsewhere.status).toBe(401);
		expect(await elsewhere.json()).toMatchObject({
			error_description: "the gateway assertion belongs to another request",
		});
		const withQuery = await call("/api/whoami?admin=1", { "X-Gateway-Auth-Assertion": captured });
		expect(withQuery.status).toBe(401);
	});

	it("refuses an assertion from 65 seconds on: its 60 seconds plus 5 of leeway", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		await gateway.request("/api/whoami", { headers: bearer(token) });
		const captured = assertionSentTo(gateway);
		const call = originAt(gateway);

		gateway.clock.advance(64_000);
		expect((await call("/api/whoami", { "X-Gateway-Auth-Assertion": captured })).status).toBe(200);
		gateway.clock.advance(1_000);
		expect((await call("/api/whoami", { "X-Gateway-Auth-Assertion": captured })).status).toBe(401);
	});

	it("refuses an assertion with another key, for another origin, or of another type", async () => {
		const gateway = await testGateway();
		const call = originAt(gateway);
		const now = Math.floor(gateway.clock() / 1000);
		const forge = (
			secret: Uint8Array,
			audience: string,
			type: string,
			binding: string,
		): Promise<string> =>
			new SignJWT({ sub: "mallory", request_sha256: binding })
				.setProtectedHeader({ alg: "HS256", typ: type })
				.setIssuer("test-issuer")
				.setAudience(audience)
				.setIssuedAt(now)
				.setExpirationTime(now + 60)
				.sign(secret);
		const binding = await requestBinding("GET", new URL("http://origin.test/api/whoami"));
		const type = "gateway-assertion+jwt";

		const wellFormed = await forge(SECRET, "http://origin.test", type, binding);
		expect((await call("/api/whoami", { "X-Gateway-Auth-Assertion": wellFormed })).status).toBe(
			200,
		);
		for (const forged of [
			await forge(
				gateway.deps.keys.current.privateKey as Uint8Array,
				"http://origin.test",
				type,
				binding,
			),
			await forge(SECRET, "http://other-origin.test", type, binding),
			await forge(SECRET, "http://origin.test", "JWT", binding),
		]) {
			expect((await call("/api/whoami", { "X-Gateway-Auth-Assertion": forged })).status).toBe(401);
		}
		// An assertion made for another upstream stays worthless even when the caller sends that
		// upstream's name as Host: the origin checks its configured URL, not the request's.
		const forOtherUpstream = await forge(SECRET, "http://other-origin.test", type, binding);
		const spoofedHost = await call(
			"/api/whoami",
			{ "X-Gateway-Auth-Assertion": forOtherUpstream },
			"other-origin.test",
		);
		expect(spoofedHost.status).toBe(401);
	});
});
