import { describe, expect, it } from "vitest";
import { verifyToken } from "../../src/auth/verify-token";
import { MAX_CACHED_TOKEN_LENGTH } from "../../src/tokens/verification-cache";
import { adminRevoke, bearer, logIn, type TestGateway, testGateway } from "../support/gateway";
import { signWithGatewayKey, validClaims } from "../support/tokens";

async function attempt(gateway: TestGateway, token: string) {
	const response = await gateway.request("/api/whoami", { headers: bearer(token) });
	const line = gateway.logs.entries().findLast((entry) => entry.event === "request");
	return { status: response.status, outcome: line?.outcome };
}

/** Takes the gateway's keys away, so that only an answer from the cache can still pass. */
function forgetKeys(gateway: TestGateway): void {
	gateway.deps.keys = { ...gateway.deps.keys, byKeyId: new Map() };
}

describe("the verification cache", () => {
	it("answers a token verified before without verifying it again", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		expect((await attempt(gateway, token)).status).toBe(200);

		forgetKeys(gateway);
		expect((await attempt(gateway, token)).status).toBe(200);
		const other = await signWithGatewayKey(gateway, validClaims(gateway, { jti: "token-2" }));
		expect(await attempt(gateway, other)).toEqual({ status: 401, outcome: "token_unknown_key" });
	});

	it("verifies every time when VERIFICATION_CACHE_MAX_ENTRIES is 0", async () => {
		const gateway = await testGateway({ settings: { VERIFICATION_CACHE_MAX_ENTRIES: "0" } });
		const token = await logIn(gateway);
		expect((await attempt(gateway, token)).status).toBe(200);
		forgetKeys(gateway);
		expect((await attempt(gateway, token)).status).toBe(401);
		expect(gateway.deps.verificationCache.size).toBe(0);
	});

	it("still checks revocation for a token it answers", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		expect((await attempt(gateway, token)).status).toBe(200);
		gateway.clock.advance(1);
		expect((await adminRevoke(gateway, { sub: "alice" })).status).toBe(201);
		expect(await attempt(gateway, token)).toEqual({ status: 401, outcome: "token_revoked" });
		expect(gateway.origin.proxied()).toHaveLength(1);
	});

	it("answers exactly while a fresh verification would pass, around nbf and exp", async () => {
		const cached = await testGateway();
		const fresh = await testGateway({ settings: { VERIFICATION_CACHE_MAX_ENTRIES: "0" } });
		const start = cached.clock();
		// Fractional times, so that jose's whole-second comparisons are what decides: with the
		// 30 s tolerance, nbf passes from start - 9 s, and exp until start + 331 s.
		const seconds = start / 1000;
		const claims = validClaims(cached, {
			iat: seconds - 20,
			nbf: seconds + 20.6,
			exp: seconds + 300.4,
		});
		const token = await signWithGatewayKey(cached, claims);
		expect((await attempt(cached, token)).status).toBe(200);

		const expectedStatus = new Map([
			[-9_001, 401],
			[-9_000, 200],
			[0, 200],
			[330_999, 200],
			[331_000, 401],
			[331_001, 401],
			// Back inside the window: a cached answer that expired must not come back.
			[330_000, 200],
		]);
		for (const [offset, status] of expectedStatus) {
			cached.clock.set(start + offset);
			fresh.clock.set(start + offset);
			const expected = await attempt(fresh, token);
			expect(expected.status, `fresh verification at ${offset} ms`).toBe(status);
			expect(await attempt(cached, token), `cached answer at ${offset} ms`).toEqual(expected);
		}
	});

	it("never keeps a token that failed verification", async () => {
		const gateway = await testGateway();
		const forged = await signWithGatewayKey(gateway, validClaims(gateway, { iss: "someone" }));
		expect((await attempt(gateway, forged)).status).toBe(401);
		expect(gateway.deps.verificationCache.size).toBe(0);
	});

	it(`verifies tokens longer than ${MAX_CACHED_TOKEN_LENGTH} characters every time`, async () => {
		const gateway = await testGateway();
		const padding = "x".repeat(MAX_CACHED_TOKEN_LENGTH);
		const token = await signWithGatewayKey(gateway, validClaims(gateway, { padding }));
		expect((await attempt(gateway, token)).status).toBe(200);
		expect(gateway.deps.verificationCache.size).toBe(0);
	});

	it("keeps at most VERIFICATION_CACHE_MAX_ENTRIES tokens, dropping the least recently used", async () => {
		const gateway = await testGateway({ settings: { VERIFICATION_CACHE_MAX_ENTRIES: "2" } });
		const tokens = await Promise.all(
			["a", "b", "c"].map((jti) => signWithGatewayKey(gateway, validClaims(gateway, { jti }))),
		);
		const [first, second, third] = tokens as [string, string, string];
		await verifyToken(gateway.deps, first);
		await verifyToken(gateway.deps, second);
		await verifyToken(gateway.deps, first);
		await verifyToken(gateway.deps, third);
		expect(gateway.deps.verificationCache.size).toBe(2);
		const now = gateway.clock();
		expect(gateway.deps.verificationCache.get(second, now)).toBeUndefined();
		expect(gateway.deps.verificationCache.get(first, now)?.tokenId).toBe("a");
		expect(gateway.deps.verificationCache.get(third, now)?.tokenId).toBe("c");
	});
});
