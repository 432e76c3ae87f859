import { describe, expect, it } from "vitest";
import {
	ADMIN_KEY,
	adminRevoke,
	bearer,
	logIn,
	type TestGateway,
	testGateway,
} from "../support/gateway";
import { kvDouble } from "../support/kv-doubles";

const form = (parameters: Record<string, string>, headers: Record<string, string> = {}) => ({
	method: "POST",
	headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
	body: new URLSearchParams(parameters).toString(),
});

const whoamiStatus = async (gateway: TestGateway, token: string) =>
	(await gateway.request("/api/whoami", { headers: bearer(token) })).status;

describe("POST /oauth/revoke (RFC 7009)", () => {
	it("lets a client revoke its own token by presenting it", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const other = await logIn(gateway);

		const response = await gateway.request("/oauth/revoke", form({ token }));
		expect(response.status).toBe(200);
		expect(response.headers.get("Cache-Control")).toBe("no-store");

		expect(await whoamiStatus(gateway, token)).toBe(401);
		expect(await whoamiStatus(gateway, other)).toBe(200);
	});

	it("revokes a token sent with whitespace around it", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		expect((await gateway.request("/oauth/revoke", form({ token: ` ${token}\n` }))).status).toBe(
			200,
		);
		expect(await whoamiStatus(gateway, token)).toBe(401);
	});

	it("lets an admin revoke any token", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const response = await gateway.request(
			"/oauth/revoke",
			form({ token, token_type_hint: "access_token" }, bearer(ADMIN_KEY)),
		);
		expect(response.status).toBe(200);
		expect(await whoamiStatus(gateway, token)).toBe(401);
	});

	it("answers 200 for unknown, malformed and expired tokens, storing nothing", async () => {
		const store = kvDouble();
		const gateway = await testGateway({ kv: store.kv });
		const expired = await logIn(gateway);
		gateway.clock.advance(931_000);
		for (const token of ["garbage", "a.b.c", expired, "x".repeat(10_000)]) {
			const response = await gateway.request("/oauth/revoke", form({ token }));
			expect(response.status).toBe(200);
		}
		expect(store.puts).toHaveLength(0);
	});

	it("answers 400 invalid_request without a token, with a repeated one, or as JSON", async () => {
		const gateway = await testGateway();
		const responses = [
			await gateway.request("/oauth/revoke", form({})),
			await gateway.request("/oauth/revoke", {
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded" },
				body: "token=a&token=b",
			}),
			await gateway.request("/oauth/revoke", {
				method: "POST",
				headers: { "Content-Type": "application/json" },
				body: JSON.stringify({ token: "a" }),
			}),
		];
		for (const response of responses) {
			expect(response.status).toBe(400);
			expect(await response.json()).toMatchObject({ error: "invalid_request" });
		}
	});

	it("answers unsupported_token_type for a refresh token, which the gateway never issues", async () => {
		const gateway = await testGateway();
		const response = await gateway.request(
			"/oauth/revoke",
			form({ token: "opaque-refresh-token", token_type_hint: "refresh_token" }),
		);
		expect(response.status).toBe(400);
		expect(response.headers.get("Cache-Control")).toBe("no-store");
		expect(await response.json()).toMatchObject({ error: "unsupported_token_type" });
		expect(gateway.logs.entries().findLast((entry) => entry.event === "request")).toMatchObject({
			outcome: "unsupported_token_type",
		});
	});

	it("refuses a wrong Authorization rather than ignoring it", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const response = await gateway.request("/oauth/revoke", form({ token }, bearer("wrong")));
		expect(response.status).toBe(401);
		expect(await whoamiStatus(gateway, token)).toBe(200);
	});

	it("answers 503 when the revocation cannot be stored", async () => {
		const store = kvDouble({ failingWrites: Number.POSITIVE_INFINITY });
		const gateway = await testGateway({ kv: store.kv });
		const token = await logIn(gateway);
		const response = await gateway.request("/oauth/revoke", form({ token }));
		expect(response.status).toBe(503);
	});
});

describe("POST /oauth/introspect (RFC 7662)", () => {
	const introspect = (gateway: TestGateway, token: string) =>
		gateway.request("/oauth/introspect", form({ token }, bearer(ADMIN_KEY)));

	it("describes a live token with its claims, iat as a whole second", async () => {
		const gateway = await testGateway();
		gateway.clock.advance(250);
		const token = await logIn(gateway);
		const response = await introspect(gateway, token);
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({
			active: true,
			sub: "alice",
			iss: "test-issuer",
			aud: "test-api",
			iat: Math.floor(gateway.clock() / 1000),
			token_type: "Bearer",
		});
	});

	it("answers only active false for revoked, expired, malformed and foreign tokens", async () => {
		const gateway = await testGateway();
		const revoked = await logIn(gateway);
		const expiring = await logIn(gateway, "bob", "builder");
		gateway.clock.advance(1);
		await adminRevoke(gateway, { sub: "alice" });
		const otherGateway = await testGateway({
			settings: { SIGNING_KEY: "another-gateway-signing-key-of-32-bytes!" },
		});
		const foreign = await logIn(otherGateway);

		for (const token of [revoked, foreign, "garbage", "a.b.c"]) {
			expect(await (await introspect(gateway, token)).json()).toEqual({ active: false });
		}
		gateway.clock.advance(931_000);
		expect(await (await introspect(gateway, expiring)).json()).toEqual({ active: false });
	});

	it("is for admins only", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const response = await gateway.request("/oauth/introspect", form({ token }, bearer(token)));
		expect(response.status).toBe(401);
		const anonymous = await gateway.request("/oauth/introspect", form({ token }));
		expect(anonymous.status).toBe(401);
	});
});
