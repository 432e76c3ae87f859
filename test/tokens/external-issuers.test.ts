import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { verifyToken } from "../../src/auth/verify-token";
import { KEY_SET_MAX_AGE_MS } from "../../src/tokens/issuer-key-sets";
import { ADMIN_KEY, adminRevoke, bearer, type TestGateway, testGateway } from "../support/gateway";
import { kvDouble } from "../support/kv-doubles";

afterEach(() => {
	vi.useRealTimers();
});

const ISSUER = "https://tenant.idp.example/";
const AUDIENCE = "https://api.example";

/** A test identity provider: its keys, and a JWKS endpoint that counts fetches and can fail. */
async function identityProvider() {
	const signing = await generateKeyPair("RS256", { extractable: true });
	const kid = "idp-key-1";
	const keys: JWK[] = [{ ...(await exportJWK(signing.publicKey)), kid, alg: "RS256", use: "sig" }];
	let fetches = 0;
	let mode: "up" | "down" | "slow" | "garbage" = "up";
	const fetchKeySet = (async (input: RequestInfo | URL, init?: RequestInit) => {
		fetches++;
		expect(String(input instanceof Request ? input.url : input)).toBe(`${ISSUER}jwks.json`);
		if (mode === "down") {
			throw new TypeError("Network connection lost.");
		}
		if (mode === "garbage") {
			return new Response("<html>not a key set</html>", { status: 200 });
		}
		if (mode === "slow") {
			// Never answers; only the key set's timeout ends the wait.
			return new Promise<Response>((_, reject) => {
				init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
			});
		}
		return Response.json({ keys });
	}) as typeof fetch;

	const sign = (
		gateway: TestGateway,
		claims: Record<string, unknown> = {},
		// null signs without a kid (undefined would pick the default).
		signingKid: string | null = kid,
	) => {
		const now = Math.floor(gateway.clock() / 1000);
		return new SignJWT({
			iss: ISSUER,
			aud: AUDIENCE,
			sub: "auth0|123",
			iat: now,
			exp: now + 600,
			...claims,
		})
			.setProtectedHeader({
				alg: "RS256",
				typ: "at+jwt",
				...(signingKid === null ? {} : { kid: signingKid }),
			})
			.sign(signing.privateKey);
	};
	return {
		fetchKeySet,
		sign,
		keys,
		thumbprint: () => {
			const { kid: _kid, alg: _alg, use: _use, ...bare } = keys[0] ?? {};
			return calculateJwkThumbprint(bare as JWK);
		},
		fetches: () => fetches,
		setMode: (next: typeof mode) => {
			mode = next;
		},
	};
}

async function gatewayTrusting(idp: Awaited<ReturnType<typeof identityProvider>>) {
	const store = kvDouble();
	const gateway = await testGateway({
		kv: store.kv,
		fetchKeySet: idp.fetchKeySet,
		settings: {
			TRUSTED_ISSUERS: JSON.stringify([
				{
					name: "idp",
					issuer: ISSUER,
					jwks_uri: `${ISSUER}jwks.json`,
					audience: AUDIENCE,
					algorithms: ["RS256"],
					max_token_lifetime_seconds: 3600,
					jwks_timeout_ms: 200,
				},
			]),
		},
	});
	return { gateway, store };
}

const whoami = (gateway: TestGateway, token: string) =>
	gateway.request("/api/whoami", { headers: bearer(token) });

const lastOutcome = (gateway: TestGateway) =>
	gateway.logs.entries().findLast((entry) => entry.event === "request")?.outcome;

describe("tokens from a trusted external issuer", () => {
	it("are verified with the issuer's published keys and forwarded", async () => {
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		const response = await whoami(gateway, await idp.sign(gateway));
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ sub: "auth0|123" });
		expect(idp.fetches()).toBe(1);

		await whoami(gateway, await idp.sign(gateway));
		expect(idp.fetches()).toBe(1);
	});

	it("are refused with the wrong audience, or beyond the issuer's lifetime", async () => {
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		expect((await whoami(gateway, await idp.sign(gateway, { aud: "other" }))).status).toBe(401);
		expect(lastOutcome(gateway)).toBe("token_wrong_audience");
		const now = Math.floor(gateway.clock() / 1000);
		const longLived = await idp.sign(gateway, { exp: now + 3601 });
		expect((await whoami(gateway, longLived)).status).toBe(401);
		expect(lastOutcome(gateway)).toBe("token_lifetime_exceeded");
	});

	it("are refused when the issuer is not trusted, without fetching anything", async () => {
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		const foreign = await idp.sign(gateway, { iss: "https://elsewhere.example/" });
		expect((await whoami(gateway, foreign)).status).toBe(401);
		expect(lastOutcome(gateway)).toBe("token_wrong_issuer");
		expect(idp.fetches()).toBe(0);
	});

	it("refetch the key set at most once per cooldown for unknown kids", async () => {
		const idp = await identityProvider();
		const { gateway, store } = await gatewayTrusting(idp);
		await whoami(gateway, await idp.sign(gateway));
		for (const kid of ["rotated-1", "rotated-2", "rotated-3"]) {
			const response = await whoami(gateway, await idp.sign(gateway, {}, kid));
			expect(response.status).toBe(401);
			expect(lastOutcome(gateway)).toBe("token_unknown_key");
		}
		expect(idp.fetches()).toBe(1);
		expect(store.reads()).toBe(1);
	});

	it("answer 503 when the key endpoint is down, and when it is too slow", async () => {
		for (const mode of ["down", "slow"] as const) {
			const idp = await identityProvider();
			const { gateway } = await gatewayTrusting(idp);
			idp.setMode(mode);
			const response = await whoami(gateway, await idp.sign(gateway));
			expect(response.status).toBe(503);
			expect(await response.json()).toMatchObject({ error: "temporarily_unavailable" });
			expect(lastOutcome(gateway)).toBe("issuer_keys_unavailable");
			expect(gateway.origin.proxied()).toHaveLength(0);
		}
	});

	it("cannot be revoked or introspected while the key set is down: 503, nothing stored", async () => {
		const idp = await identityProvider();
		const { gateway, store } = await gatewayTrusting(idp);
		idp.setMode("down");
		const token = await idp.sign(gateway);
		const attempts = [
			await gateway.request("/oauth/revoke", {
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded" },
				body: new URLSearchParams({ token }),
			}),
			await adminRevoke(gateway, { token }),
			await gateway.request("/oauth/introspect", {
				method: "POST",
				headers: { ...bearer(ADMIN_KEY), "Content-Type": "application/x-www-form-urlencoded" },
				body: new URLSearchParams({ token }),
			}),
		];
		for (const response of attempts) {
			expect(response.status).toBe(503);
			expect(await response.json()).toMatchObject({ error: "temporarily_unavailable" });
		}
		expect(store.puts).toHaveLength(0);
	});

	it("are reused from the verification cache no longer than their key set", async () => {
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		const now = Math.floor(gateway.clock() / 1000);
		const token = await idp.sign(gateway, { exp: now + 3000 });
		const verified = await verifyToken(gateway.deps, token);
		const verifiedAt = gateway.clock();
		expect(verified.validity.until).toBe(verifiedAt + KEY_SET_MAX_AGE_MS);

		const cache = gateway.deps.verificationCache;
		expect(cache.get(token, verifiedAt + KEY_SET_MAX_AGE_MS - 1)).toBe(verified);
		expect(cache.get(token, verifiedAt + KEY_SET_MAX_AGE_MS)).toBeUndefined();
	});

	it("can be revoked by user, session and token, in the issuer's own namespace", async () => {
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		const token = await idp.sign(gateway, { sid: "idp-session", jti: "idp-jti" });
		const sameSubOfGateway = "auth0|123";

		gateway.clock.advance(1);
		const byUser = await adminRevoke(gateway, { sub: sameSubOfGateway, issuer: "idp" });
		expect(byUser.status).toBe(201);
		expect(await byUser.json()).toMatchObject({ revocation: { kind: "user", issuer: "idp" } });
		expect((await whoami(gateway, token)).status).toBe(401);
		expect((await gateway.kv.list()).keys.map((key) => key.name)).toEqual(["user@idp:auth0|123"]);

		await gateway.request("/admin/revocations/user/auth0%7C123?issuer=idp", {
			method: "DELETE",
			headers: bearer(ADMIN_KEY),
		});
		expect((await whoami(gateway, token)).status).toBe(200);

		expect((await adminRevoke(gateway, { sid: "idp-session", issuer: "idp" })).status).toBe(201);
		expect((await whoami(gateway, token)).status).toBe(401);

		const other = await idp.sign(gateway, { jti: "idp-jti-2" });
		expect((await adminRevoke(gateway, { token: other })).status).toBe(201);
		expect((await whoami(gateway, other)).status).toBe(401);
		expect((await gateway.kv.list({ prefix: "token@idp:" })).keys).toHaveLength(1);
	});

	it("are not covered by a revocation of the gateway's own user of the same name", async () => {
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		const token = await idp.sign(gateway);
		gateway.clock.advance(1);
		await adminRevoke(gateway, { sub: "auth0|123" });
		expect((await whoami(gateway, token)).status).toBe(200);
	});

	it("refuses to revoke under an issuer name that is not configured", async () => {
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		const response = await adminRevoke(gateway, { sub: "x", issuer: "nobody" });
		expect(response.status).toBe(400);
	});
});

describe("external issuer keys under attack", () => {
	it("refuse a token that names no key, so a revoked key cannot hide", async () => {
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		const response = await whoami(gateway, await idp.sign(gateway, {}, null));
		expect(response.status).toBe(401);
		expect(lastOutcome(gateway)).toBe("token_unknown_key");
	});

	it("revoke by the thumbprint of the key that verified, whichever kid is used", async () => {
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		const token = await idp.sign(gateway);
		expect((await whoami(gateway, token)).status).toBe(200);
		expect((await adminRevoke(gateway, { kid: await idp.thumbprint() })).status).toBe(201);
		expect((await whoami(gateway, token)).status).toBe(401);
		expect(lastOutcome(gateway)).toBe("token_revoked");
	});

	it("revoke by the provider's kid with its issuer, stored under the thumbprint", async () => {
		const idp = await identityProvider();
		const { gateway, store } = await gatewayTrusting(idp);
		const token = await idp.sign(gateway);
		expect((await adminRevoke(gateway, { kid: "idp-key-1", issuer: "idp" })).status).toBe(201);
		expect(store.puts.map(({ key }) => key)).toEqual([`key:${await idp.thumbprint()}`]);
		expect((await whoami(gateway, token)).status).toBe(401);
		expect(lastOutcome(gateway)).toBe("token_revoked");
	});

	it("refuse to store a kid that would protect nothing", async () => {
		const idp = await identityProvider();
		const { gateway, store } = await gatewayTrusting(idp);
		for (const body of [
			{ kid: "idp-key-1" },
			{ kid: "no-such-key" },
			{ kid: "no-such-key", issuer: "idp" },
		]) {
			const response = await adminRevoke(gateway, body);
			expect(response.status, JSON.stringify(body)).toBe(400);
		}
		expect(store.puts).toHaveLength(0);
	});

	it("answer 503 to a kid whose issuer's key set cannot be fetched, storing nothing", async () => {
		const idp = await identityProvider();
		const { gateway, store } = await gatewayTrusting(idp);
		idp.setMode("down");
		const response = await adminRevoke(gateway, { kid: "idp-key-1", issuer: "idp" });
		expect(response.status).toBe(503);
		expect(store.puts).toHaveLength(0);
	});

	it("logs the id of the key that verified, which is what a leaked key is revoked by", async () => {
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		await whoami(gateway, await idp.sign(gateway));
		const line = gateway.logs.entries().findLast((entry) => entry.event === "request");
		expect(line?.key_id).toBe(await idp.thumbprint());
	});

	it("refuse a kid shared by two keys of the same type, which would leave the key unnamed", async () => {
		const idp = await identityProvider();
		const twin = await generateKeyPair("RS256", { extractable: true });
		idp.keys.push({ ...(await exportJWK(twin.publicKey)), kid: "idp-key-1", alg: "RS256" });
		const { gateway } = await gatewayTrusting(idp);
		expect((await whoami(gateway, await idp.sign(gateway))).status).toBe(401);
	});

	it("ask a failing key endpoint again only after a pause, however many tokens arrive", async () => {
		for (const mode of ["down", "garbage"] as const) {
			const idp = await identityProvider();
			const { gateway } = await gatewayTrusting(idp);
			idp.setMode(mode);
			for (let attempt = 0; attempt < 5; attempt++) {
				const response = await whoami(gateway, await idp.sign(gateway, {}, `random-${attempt}`));
				expect(response.status).toBe(503);
			}
			expect(idp.fetches()).toBe(1);
		}
	});

	it("fetch the key set once for any number of concurrent tokens with unknown kids", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		await whoami(gateway, await idp.sign(gateway));
		expect(idp.fetches()).toBe(1);
		vi.advanceTimersByTime(31_000);

		const tokens = await Promise.all(
			Array.from({ length: 20 }, (_, index) => idp.sign(gateway, {}, `unknown-${index}`)),
		);
		const responses = await Promise.all(tokens.map((token) => whoami(gateway, token)));
		expect(responses.map(({ status }) => status)).toEqual(tokens.map(() => 401));
		expect(idp.fetches()).toBe(2);
	});

	it("stop accepting a remembered token once a new fetch shows its key withdrawn", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		const token = await idp.sign(gateway);
		expect((await whoami(gateway, token)).status).toBe(200);

		const replacement = await generateKeyPair("RS256", { extractable: true });
		idp.keys.splice(0, 1, { ...(await exportJWK(replacement.publicKey)), kid: "idp-key-2" });
		vi.advanceTimersByTime(31_000);
		await whoami(gateway, await idp.sign(gateway, {}, "unknown"));
		expect(idp.fetches()).toBe(2);

		expect((await whoami(gateway, token)).status).toBe(401);
		expect(lastOutcome(gateway)).toBe("token_unknown_key");
	});

	it("answer 503, not an answer from a key set past its age, while the issuer is down", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		const now = Math.floor(gateway.clock() / 1000);
		const token = await idp.sign(gateway, { exp: now + 3000 });
		expect((await whoami(gateway, token)).status).toBe(200);

		idp.setMode("down");
		vi.advanceTimersByTime(KEY_SET_MAX_AGE_MS + 1000);
		gateway.clock.advance(KEY_SET_MAX_AGE_MS + 1000);
		// The first request finds the set too old and fails to fetch it; the next ones, inside
		// the pause after a failure, must not fall back to the old set either.
		for (let attempt = 0; attempt < 3; attempt++) {
			expect((await whoami(gateway, token)).status).toBe(503);
		}
		expect(idp.fetches()).toBe(2);
	});

	it("cover a token whose iat runs ahead of the gateway's clock when its session ends", async () => {
		const idp = await identityProvider();
		const { gateway } = await gatewayTrusting(idp);
		const now = Math.floor(gateway.clock() / 1000);
		const ahead = await idp.sign(gateway, { sid: "idp-session", iat: now + 25 });
		const logout = await gateway.request("/auth/logout", {
			method: "POST",
			headers: bearer(ahead),
		});
		expect(logout.status).toBe(200);
		gateway.clock.advance(1);
		expect((await whoami(gateway, ahead)).status).toBe(401);
	});
});

describe("TRUSTED_ISSUERS", () => {
	it.each([
		["not JSON", "nope", "TRUSTED_ISSUERS must be a JSON array of issuer objects"],
		[
			"http to a public host",
			JSON.stringify([
				{
					name: "a",
					issuer: "x",
					jwks_uri: "http://idp.example/k",
					audience: "a",
					algorithms: ["RS256"],
				},
			]),
			"jwks_uri must use https",
		],
		[
			"HMAC algorithms",
			JSON.stringify([
				{
					name: "a",
					issuer: "x",
					jwks_uri: "https://idp.example/k",
					audience: "a",
					algorithms: ["HS256"],
				},
			]),
			"TRUSTED_ISSUERS",
		],
		[
			"a duplicate name",
			JSON.stringify(
				[1, 2].map((n) => ({
					name: "a",
					issuer: `x${n}`,
					jwks_uri: "https://i.example/k",
					audience: "a",
					algorithms: ["RS256"],
				})),
			),
			"names must be unique",
		],
	])("refuses %s, naming the setting", async (_case, value, message) => {
		await expect(testGateway({ settings: { TRUSTED_ISSUERS: value } })).rejects.toThrow(message);
	});
});
