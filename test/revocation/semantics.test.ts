import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { tokenIdOf } from "../../src/tokens/token-id";
import { TEST_EPOCH } from "../support/clock";
import { adminRevoke, bearer, logIn, type TestGateway, testGateway } from "../support/gateway";
import { kvDouble } from "../support/kv-doubles";
import { signWithGatewayKey, validClaims } from "../support/tokens";

const status = async (gateway: TestGateway, token: string) =>
	(await gateway.request("/api/whoami", { headers: bearer(token) })).status;

describe("user and session cut-offs", () => {
	it("refuse a token issued in the same millisecond as the revocation", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		await adminRevoke(gateway, { sub: "alice" });
		expect(await status(gateway, token)).toBe(401);
	});

	it("refuse a token issued earlier in the same second, accept one minted a millisecond later", async () => {
		const gateway = await testGateway();
		gateway.clock.advance(100);
		const earlier = await logIn(gateway);
		gateway.clock.advance(400);
		await adminRevoke(gateway, { sub: "alice" });
		gateway.clock.advance(1);
		const later = await logIn(gateway);

		expect(await status(gateway, earlier)).toBe(401);
		expect(await status(gateway, later)).toBe(200);
	});

	it("treat a whole-second iat as the start of its second", async () => {
		const gateway = await testGateway();
		gateway.clock.advance(500);
		await adminRevoke(gateway, { sub: "alice" });
		const second = Math.floor(gateway.clock() / 1000);
		const sameSecond = await signWithGatewayKey(gateway, validClaims(gateway, { iat: second }));
		const nextSecond = await signWithGatewayKey(
			gateway,
			validClaims(gateway, { iat: second + 1, jti: "token-2" }),
		);
		expect(await status(gateway, sameSecond)).toBe(401);
		expect(await status(gateway, nextSecond)).toBe(200);
	});

	it("never meet a token without iat: its age cannot be bounded, so it is always refused", async () => {
		const gateway = await testGateway();
		const noIat = await signWithGatewayKey(gateway, validClaims(gateway, { iat: undefined }));
		expect(await status(gateway, noIat)).toBe(401);
		await adminRevoke(gateway, { sub: "alice" });
		expect(await status(gateway, noIat)).toBe(401);
		expect(gateway.logs.entries().findLast((entry) => entry.event === "request")).toMatchObject({
			outcome: "token_claim_invalid",
		});
	});

	it("apply to tokens without sid (user) and leave them alone (session)", async () => {
		const gateway = await testGateway();
		const noSid = await signWithGatewayKey(gateway, validClaims(gateway));
		gateway.clock.advance(1);
		await adminRevoke(gateway, { sid: "some-session" });
		expect(await status(gateway, noSid)).toBe(200);
		await adminRevoke(gateway, { sub: "alice" });
		expect(await status(gateway, noSid)).toBe(401);
	});

	it("live for the longest token lifetime plus the tolerance, and that TTL reaches KV", async () => {
		const store = kvDouble();
		const gateway = await testGateway({ kv: store.kv });
		await adminRevoke(gateway, { sub: "alice" });
		await adminRevoke(gateway, { sid: "session-1" });
		expect(store.puts.map((put) => [put.key, put.options?.expirationTtl])).toEqual([
			["user:alice", 900 + 30 + 30],
			["session:session-1", 900 + 30 + 30],
		]);
		expect(store.puts[0]?.value).toBe(String(TEST_EPOCH));
	});
});

describe("token revocations", () => {
	it("outlive the gateway's own tokens by jti even with no clock tolerance", async () => {
		const store = kvDouble();
		const gateway = await testGateway({
			kv: store.kv,
			settings: { CLOCK_TOLERANCE_SECONDS: "0" },
		});
		await adminRevoke(gateway, { jti: "any" });
		// The gateway's own iat may lead this clock by a second (OWN_CLOCK_SKEW_SECONDS), so a
		// token it accepts can expire up to lifetime + 1 s from now.
		expect(store.puts[0]?.options?.expirationTtl).toBe(900 + 1);
	});

	it("revoke a token that is not valid yet, for as long as it will pass", async () => {
		const store = kvDouble();
		const gateway = await testGateway({ kv: store.kv });
		const startsAt = TEST_EPOCH / 1000 + 40;
		const token = await signWithGatewayKey(
			gateway,
			validClaims(gateway, { jti: "early", nbf: startsAt, exp: startsAt + 300 }),
		);
		expect(await status(gateway, token)).toBe(401);

		expect((await adminRevoke(gateway, { token })).status).toBe(201);
		expect(store.puts[0]).toMatchObject({
			key: "token:early",
			options: { expirationTtl: 40 + 300 + 30 },
		});
		gateway.clock.advance(41_000);
		expect(await status(gateway, token)).toBe(401);
		expect(gateway.logs.entries().findLast((entry) => entry.event === "request")).toMatchObject({
			outcome: "token_revoked",
		});
	});

	it("revoke through RFC 7009 a token whose iat lies ahead, as from a fast clock", async () => {
		const gateway = await testGateway();
		const ahead = TEST_EPOCH / 1000 + 20;
		const token = await signWithGatewayKey(
			gateway,
			validClaims(gateway, { jti: "ahead", iat: ahead, exp: ahead + 300 }),
		);
		const response = await gateway.request("/oauth/revoke", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ token }).toString(),
		});
		expect(response.status).toBe(200);
		expect(await gateway.kv.get("token:ahead")).not.toBeNull();

		gateway.clock.advance(20_000);
		expect(await status(gateway, token)).toBe(401);
		expect(gateway.logs.entries().findLast((entry) => entry.event === "request")).toMatchObject({
			outcome: "token_revoked",
		});
	});

	it("store a TTL of the verified exp plus tolerance minus now, rounded up", async () => {
		const store = kvDouble();
		const gateway = await testGateway({ kv: store.kv });
		const token = await signWithGatewayKey(
			gateway,
			validClaims(gateway, { jti: "abc", exp: TEST_EPOCH / 1000 + 600 }),
		);
		gateway.clock.advance(250);
		await adminRevoke(gateway, { token });
		expect(store.puts[0]).toMatchObject({
			key: "token:abc",
			options: { expirationTtl: 630 },
		});
	});

	it("ignore an exp typed in by the admin, which could be too early", async () => {
		const store = kvDouble();
		const gateway = await testGateway({ kv: store.kv });
		const response = await adminRevoke(gateway, { jti: "abc", exp: TEST_EPOCH / 1000 + 1 });
		expect(response.status).toBe(201);
		expect(store.puts[0]?.options?.expirationTtl).toBe(900 + 30 + 30);
	});

	it("with an exp beyond any accepted lifetime, live only as long as an accepted token", async () => {
		const store = kvDouble();
		const gateway = await testGateway({ kv: store.kv });
		const response = await adminRevoke(gateway, { jti: "far", exp: 1e308 });
		expect(response.status).toBe(201);
		expect(store.puts[0]?.options?.expirationTtl).toBe(900 + 30 + 30);
	});

	it("without exp, live as long as any token the gateway accepts", async () => {
		const store = kvDouble();
		const gateway = await testGateway({ kv: store.kv });
		await adminRevoke(gateway, { jti: "abc" });
		expect(store.puts[0]?.options?.expirationTtl).toBe(900 + 30 + 30);
	});

	it("keep the token refused through the tolerance window after exp", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const { jti, exp } = decodeJwt(token);
		gateway.clock.advance(899_000);
		await adminRevoke(gateway, { jti, exp });
		gateway.clock.advance(30_000);
		expect(await status(gateway, token)).toBe(401);
	});

	it("succeed without writing for a token already past exp plus tolerance", async () => {
		const store = kvDouble();
		const gateway = await testGateway({ kv: store.kv });
		const token = await logIn(gateway);
		gateway.clock.advance((900 + 30) * 1000);
		const response = await adminRevoke(gateway, { token });
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ stored: false });
		expect(store.puts).toHaveLength(0);
	});

	it("are idempotent: revoking twice succeeds twice and the token stays refused", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const { jti, exp } = decodeJwt(token);
		expect((await adminRevoke(gateway, { jti, exp })).status).toBe(201);
		expect((await adminRevoke(gateway, { jti, exp })).status).toBe(201);
		expect(await status(gateway, token)).toBe(401);
	});

	it("revoke tokens without jti through an id derived from the payload, not the signature", async () => {
		const gateway = await testGateway();
		const token = await signWithGatewayKey(gateway, validClaims(gateway, { jti: undefined }));
		const response = await adminRevoke(gateway, { token });
		const body = (await response.json()) as { revocation: { id: string } };
		expect(body.revocation.id).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
		expect(await status(gateway, token)).toBe(401);
	});

	it("derive the same id whatever the signature segment holds", async () => {
		const [header, payload] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln".split(".");
		const one = await tokenIdOf(`${header}.${payload}.c2lnbmF0dXJlLW9uZQ`, undefined);
		const other = await tokenIdOf(`${header}.${payload}.c2lnbmF0dXJlLXR3bw`, undefined);
		expect(one).toBe(other);
		expect(await tokenIdOf(`${header}.${payload}.x`, "given-jti")).toBe("given-jti");
	});
});

describe("concurrent revocations", () => {
	it("all succeed, and every token they cover stays refused", async () => {
		const gateway = await testGateway();
		const tokens = await Promise.all([logIn(gateway), logIn(gateway), logIn(gateway)]);
		gateway.clock.advance(1);
		const targets = [
			{ sub: "alice" },
			{ sub: "alice" },
			...tokens.map((token) => ({ sid: decodeJwt(token).sid })),
			...tokens.map((token) => ({ token })),
		];
		const responses = await Promise.all(targets.map((target) => adminRevoke(gateway, target)));
		expect(responses.map((response) => response.status)).toEqual(targets.map(() => 201));
		for (const token of tokens) {
			expect(await status(gateway, token)).toBe(401);
		}
		const keys = (await gateway.kv.list()).keys.map((key) => key.name);
		expect(keys.filter((key) => key.startsWith("user:"))).toEqual(["user:alice"]);
		expect(keys).toHaveLength(1 + 3 + 3);
	});
});

describe("the revocation check", () => {
	it("reads KV once per request, in bulk", async () => {
		const store = kvDouble();
		const gateway = await testGateway({ kv: store.kv });
		const token = await logIn(gateway);
		const before = store.reads();
		expect(await status(gateway, token)).toBe(200);
		expect(store.reads() - before).toBe(1);
	});

	it("never reads KV for a token that fails verification", async () => {
		const store = kvDouble();
		const gateway = await testGateway({ kv: store.kv });
		const token = await logIn(gateway);
		const tampered = `${token.slice(0, -2)}xx`;
		expect(await status(gateway, tampered)).toBe(401);
		expect(store.reads()).toBe(0);
	});
});
