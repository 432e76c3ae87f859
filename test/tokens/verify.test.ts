import { base64url, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { adminRevoke, bearer, logIn, type TestGateway, testGateway } from "../support/gateway";
import { signRawPayload, signWithGatewayKey, validClaims } from "../support/tokens";

/** Calls the API with a token; returns the status and the outcome code the log recorded. */
async function attempt(gateway: TestGateway, token: string) {
	const response = await gateway.request("/api/whoami", { headers: bearer(token) });
	const line = gateway.logs.entries().findLast((entry) => entry.event === "request");
	return { status: response.status, outcome: line?.outcome, response };
}

describe("token verification", () => {
	it("accepts a token the gateway minted", async () => {
		const gateway = await testGateway();
		const result = await attempt(gateway, await logIn(gateway));
		expect(result.status).toBe(200);
		expect(result.outcome).toBe("ok");
	});

	it.each([
		["wrong issuer", { iss: "someone-else" }, "token_wrong_issuer"],
		["wrong audience", { aud: "other-api" }, "token_wrong_audience"],
		["no sub", { sub: undefined }, "token_claim_invalid"],
		["an empty sub", { sub: "" }, "token_claim_invalid"],
		["no exp", { exp: undefined }, "token_claim_invalid"],
		["a numeric jti", { jti: 5 as unknown as string }, "token_claim_invalid"],
		["a lifetime beyond the setting", { exp: 1_767_225_600 + 901 }, "token_lifetime_exceeded"],
		[
			"iat in the future (own clock, no tolerance)",
			{ iat: 1_767_225_600 + 2 },
			"token_not_yet_valid",
		],
		["no iat, whose age cannot be bounded", { iat: undefined }, "token_claim_invalid"],
	])(
		"refuses a token with %s, before any KV read or origin call",
		async (_case, overrides, code) => {
			const gateway = await testGateway();
			const token = await signWithGatewayKey(gateway, validClaims(gateway, overrides));
			const result = await attempt(gateway, token);
			expect(result.status).toBe(401);
			expect(result.outcome).toBe(code);
			expect(await result.response.json()).toMatchObject({ error: "invalid_token" });
			expect(gateway.origin.proxied()).toHaveLength(0);
		},
	);

	it.each([
		["exp as a string", '"exp":"soon"'],
		["exp as 1e400 (Infinity)", '"exp":1e400'],
		["exp as null", '"exp":null'],
		["nbf as -1e400 (minus Infinity)", '"exp":1767225900,"nbf":-1e400'],
		["nbf as a string", '"exp":1767225900,"nbf":"now"'],
	])("refuses %s, before any KV read or origin call", async (_case, timeClaims) => {
		const gateway = await testGateway();
		// Everything else is valid, so the claim under test is what the token is refused for.
		const claims = `"iss":"test-issuer","aud":"test-api","sub":"alice","iat":1767225600`;
		const payload = `{${claims},${timeClaims}}`;
		const result = await attempt(gateway, await signRawPayload(gateway, payload));
		expect(result.status).toBe(401);
		expect(result.outcome).toBe("token_claim_invalid");
		expect(gateway.origin.proxied()).toHaveLength(0);
	});

	it("refuses, after its key was revoked, a token of that key that names no kid", async () => {
		const gateway = await testGateway();
		const noKid = await new SignJWT(validClaims(gateway))
			.setProtectedHeader({ alg: "HS256" })
			.sign(gateway.deps.keys.current.privateKey);
		expect((await attempt(gateway, noKid)).status).toBe(200);
		await adminRevoke(gateway, { kid: gateway.deps.keys.current.keyId });
		const result = await attempt(gateway, noKid);
		expect(result.status).toBe(401);
		expect(result.outcome).toBe("token_revoked");
	});

	it("refuses a token signed with another secret as a bad signature", async () => {
		const gateway = await testGateway();
		const token = await new SignJWT(validClaims(gateway))
			.setProtectedHeader({ alg: "HS256" })
			.sign(new TextEncoder().encode("another-secret-that-is-32-bytes-long!"));
		expect((await attempt(gateway, token)).outcome).toBe("token_bad_signature");
	});

	it.each(["none", "None", "NONE", "nOnE"])("refuses alg %s", async (alg) => {
		const gateway = await testGateway();
		const header = base64url.encode(JSON.stringify({ alg, typ: "JWT" }));
		const payload = base64url.encode(JSON.stringify(validClaims(gateway)));
		for (const token of [`${header}.${payload}.`, `${header}.${payload}.AAAA`]) {
			const result = await attempt(gateway, token);
			expect(result.status).toBe(401);
		}
		expect(gateway.origin.proxied()).toHaveLength(0);
	});

	it("refuses an unknown critical header parameter", async () => {
		const gateway = await testGateway();
		const token = await signRawPayload(gateway, JSON.stringify(validClaims(gateway)), {
			crit: ["x-unknown"],
			"x-unknown": true,
		});
		const result = await attempt(gateway, token);
		expect(result.status).toBe(401);
		expect(result.outcome).toBe("token_malformed");
	});

	it("refuses a typ other than JWT or at+jwt", async () => {
		const gateway = await testGateway();
		const token = await signWithGatewayKey(gateway, validClaims(gateway), { typ: "dpop+jwt" });
		expect((await attempt(gateway, token)).outcome).toBe("token_claim_invalid");
	});

	it("accepts exp until the clock tolerance has passed, and not a moment longer", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		gateway.clock.advance((900 + 30) * 1000 - 1);
		expect((await attempt(gateway, token)).status).toBe(200);
		gateway.clock.advance(1);
		const late = await attempt(gateway, token);
		expect(late.status).toBe(401);
		expect(late.outcome).toBe("token_expired");
	});

	it("honours nbf with the tolerance", async () => {
		const gateway = await testGateway();
		const now = gateway.clock() / 1000;
		const early = await signWithGatewayKey(gateway, validClaims(gateway, { nbf: now + 31 }));
		expect((await attempt(gateway, early)).outcome).toBe("token_not_yet_valid");
		const within = await signWithGatewayKey(gateway, validClaims(gateway, { nbf: now + 30 }));
		expect((await attempt(gateway, within)).status).toBe(200);
	});

	it.each([
		["two tokens", "Bearer a.b.c, Bearer d.e.f"],
		["garbage", "Bearer !!!"],
		["a space inside the token", "Bearer abc def"],
	])("answers %s with a JSON 400 invalid_request (RFC 6750 §3.1)", async (_case, authorization) => {
		const gateway = await testGateway();
		const response = await gateway.request("/api/whoami", {
			headers: { Authorization: authorization },
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: "invalid_request" });
		expect(response.headers.get("WWW-Authenticate")).toContain('error="invalid_request"');
		expect(gateway.origin.proxied()).toHaveLength(0);
	});

	it.each([
		["no header", undefined],
		["another scheme", "Basic YWxpY2U6d29uZGVybGFuZA=="],
		["a scheme that only starts like Bearer", "Bearerx a.b.c"],
		["two segments", "Bearer abc.def"],
		["an oversized token", `Bearer ${"a".repeat(9000)}.b.c`],
	])("answers %s with a JSON 401 and no origin call", async (_case, authorization) => {
		const gateway = await testGateway();
		const headers: Record<string, string> = {};
		if (authorization !== undefined) {
			headers.Authorization = authorization;
		}
		const response = await gateway.request("/api/whoami", { headers });
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ error: "invalid_token" });
		expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm=/);
		expect(gateway.origin.proxied()).toHaveLength(0);
	});

	it("reads the scheme without regard to case", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const response = await gateway.request("/api/whoami", {
			headers: { Authorization: `bEaReR ${token}` },
		});
		expect(response.status).toBe(200);
	});
});
