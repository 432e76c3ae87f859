import { base64url, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { bearer, type TestGateway, testGateway } from "../support/gateway";
import { type GeneratedKey, generateSigningKey } from "../support/keys";
import { type KvDouble, kvDouble } from "../support/kv-doubles";

// Each hostile token is sent to a gateway that signs with ES256. The suite asserts the status,
// that neither KV nor the origin was touched, and the precise code in the log.

let gatewayKey: GeneratedKey;
let publishedJwk: JWK;

beforeAll(async () => {
	gatewayKey = await generateSigningKey("ES256");
});

async function es256Gateway(): Promise<{ gateway: TestGateway; store: KvDouble }> {
	const store = kvDouble();
	const gateway = await testGateway({
		kv: store.kv,
		settings: { SIGNING_ALGORITHM: "ES256", SIGNING_KEY: gatewayKey.pem },
	});
	const published = gateway.deps.keys.current.publicJwk;
	if (published === undefined) {
		throw new Error("an ES256 gateway publishes its key");
	}
	publishedJwk = published;
	return { gateway, store };
}

function claims(gateway: TestGateway) {
	const now = Math.floor(gateway.clock() / 1000);
	return { iss: "test-issuer", aud: "test-api", sub: "mallory", iat: now, exp: now + 300 };
}

function unsigned(header: Record<string, unknown>, payload: Record<string, unknown>): string {
	return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
}

async function expectRefused(
	gateway: TestGateway,
	store: KvDouble,
	token: string,
	code: string | string[],
	status = 401,
) {
	const response = await gateway.request("/api/whoami", { headers: bearer(token) });
	expect(response.status).toBe(status);
	const body = (await response.json()) as { error: string; error_description: string };
	expect(body.error).toBe(status === 401 ? "invalid_token" : "invalid_request");
	expect(JSON.stringify(body)).not.toContain(token.slice(0, 20));
	expect(store.reads()).toBe(0);
	expect(gateway.origin.requests).toHaveLength(0);
	const outcome = gateway.logs.entries().findLast((entry) => entry.event === "request")?.outcome;
	expect([code].flat()).toContain(outcome);
	expect(gateway.logs.text()).not.toContain(token);
}

describe("hostile tokens against an ES256 gateway", () => {
	it.each(["none", "None", "NONE", "nOnE", "none "])("refuses alg %j", async (alg) => {
		const { gateway, store } = await es256Gateway();
		const body = unsigned({ alg, kid: gateway.deps.keys.current.keyId }, claims(gateway));
		await expectRefused(gateway, store, `${body}.AAAA`, [
			"token_algorithm_rejected",
			"token_malformed",
		]);
	});

	it("refuses an HMAC token whose secret is the gateway's public key", async () => {
		const { gateway, store } = await es256Gateway();
		for (const secret of [JSON.stringify(publishedJwk), gatewayKey.pem]) {
			const token = await new SignJWT(claims(gateway))
				.setProtectedHeader({ alg: "HS256", kid: gateway.deps.keys.current.keyId })
				.sign(new TextEncoder().encode(secret));
			await expectRefused(gateway, store, token, "token_algorithm_rejected");
		}
	});

	it("refuses a token that embeds its own jwk, signed with that key", async () => {
		const { gateway, store } = await es256Gateway();
		const attacker = await generateKeyPair("ES256", { extractable: true });
		const token = await new SignJWT(claims(gateway))
			.setProtectedHeader({ alg: "ES256", jwk: await exportJWK(attacker.publicKey) })
			.sign(attacker.privateKey);
		await expectRefused(gateway, store, token, "token_header_forbidden");
	});

	it.each(["jku", "x5u"])(
		"refuses a %s pointing elsewhere, without fetching it",
		async (parameter) => {
			const { gateway, store } = await es256Gateway();
			const attacker = await generateKeyPair("ES256");
			const token = await new SignJWT(claims(gateway))
				.setProtectedHeader({ alg: "ES256", [parameter]: "https://attacker.example/keys.json" })
				.sign(attacker.privateKey);
			// The origin double counts what the gateway forwards; this counts any other fetch.
			const fetchSpy = vi.spyOn(globalThis, "fetch");
			try {
				await expectRefused(gateway, store, token, "token_header_forbidden");
				expect(fetchSpy).not.toHaveBeenCalled();
			} finally {
				fetchSpy.mockRestore();
			}
		},
	);

	it("refuses an x5c chain carried in the header", async () => {
		const { gateway, store } = await es256Gateway();
		const token = `${unsigned({ alg: "ES256", x5c: ["MIIB"] }, claims(gateway))}.AAAA`;
		await expectRefused(gateway, store, token, "token_header_forbidden");
	});

	it.each([
		"../../../etc/passwd",
		'"; DROP TABLE keys; --',
		"key:alice",
		"https://attacker.example/key",
		"x".repeat(2000),
	])("refuses kid %j as an unknown key, before any lookup", async (kid) => {
		const { gateway, store } = await es256Gateway();
		const token = await new SignJWT(claims(gateway))
			.setProtectedHeader({ alg: "ES256", kid })
			.sign(gatewayKey.privateKey);
		await expectRefused(gateway, store, token, "token_unknown_key");
	});

	it("refuses a kid that is not a string", async () => {
		const { gateway, store } = await es256Gateway();
		const token = `${unsigned({ alg: "ES256", kid: { $ne: null } }, claims(gateway))}.AAAA`;
		await expectRefused(gateway, store, token, "token_unknown_key");
	});

	it("refuses a token signed by another ES256 key under the gateway's kid", async () => {
		const { gateway, store } = await es256Gateway();
		const attacker = await generateKeyPair("ES256");
		const token = await new SignJWT(claims(gateway))
			.setProtectedHeader({ alg: "ES256", kid: gateway.deps.keys.current.keyId })
			.sign(attacker.privateKey);
		await expectRefused(gateway, store, token, "token_bad_signature");
	});

	it("refuses an unknown critical header parameter even with a valid signature", async () => {
		const { gateway, store } = await es256Gateway();
		const header = {
			alg: "ES256",
			kid: gateway.deps.keys.current.keyId,
			crit: ["exp-mode"],
			"exp-mode": 1,
		};
		const signingInput = unsigned(header, claims(gateway));
		const signature = await crypto.subtle.sign(
			{ name: "ECDSA", hash: "SHA-256" },
			gatewayKey.privateKey,
			new TextEncoder().encode(signingInput),
		);
		const token = `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
		await expectRefused(gateway, store, token, "token_malformed");
	});

	it.each([
		["exp as a string", { exp: "9999999999" }, "token_claim_invalid"],
		["exp as null", { exp: null }, "token_claim_invalid"],
		["no exp", { exp: undefined }, "token_claim_invalid"],
		["iss of another issuer", { iss: "https://attacker.example" }, "token_wrong_issuer"],
		["aud of another API", { aud: "billing" }, "token_wrong_audience"],
		["nbf beyond the tolerance", { nbf: 1_767_225_600 + 31 }, "token_not_yet_valid"],
		["exp past by the tolerance", { iat: 1_767_225_000, exp: 1_767_225_600 - 30 }, "token_expired"],
	])("refuses %s", async (_case, overrides, code) => {
		const { gateway, store } = await es256Gateway();
		const token = await new SignJWT({ ...claims(gateway), ...overrides } as Record<string, unknown>)
			.setProtectedHeader({ alg: "ES256", kid: gateway.deps.keys.current.keyId })
			.sign(gatewayKey.privateKey);
		await expectRefused(gateway, store, token, code);
	});

	it("accepts exp one second inside the tolerance (the boundary the previous case crosses)", async () => {
		const { gateway } = await es256Gateway();
		const token = await new SignJWT({
			...claims(gateway),
			iat: 1_767_225_000,
			exp: 1_767_225_600 - 29,
		})
			.setProtectedHeader({ alg: "ES256", kid: gateway.deps.keys.current.keyId })
			.sign(gatewayKey.privateKey);
		const response = await gateway.request("/api/whoami", { headers: bearer(token) });
		expect(response.status).toBe(200);
	});

	it.each([123, null, ["JWT"]])("refuses a typ of %j without failing", async (typ) => {
		const { gateway, store } = await es256Gateway();
		const token = await new SignJWT(claims(gateway))
			.setProtectedHeader({ alg: "ES256", kid: gateway.deps.keys.current.keyId, typ } as never)
			.sign(gatewayKey.privateKey);
		await expectRefused(gateway, store, token, "token_claim_invalid");
	});

	it.each(["jti", "sid", "sub"])(
		"refuses a %s longer than a revocation id may be",
		async (claim) => {
			const { gateway, store } = await es256Gateway();
			const token = await new SignJWT({ ...claims(gateway), [claim]: "x".repeat(257) })
				.setProtectedHeader({ alg: "ES256", kid: gateway.deps.keys.current.keyId })
				.sign(gatewayKey.privateKey);
			await expectRefused(gateway, store, token, "token_claim_invalid");
		},
	);

	it("refuses oversized tokens before decoding them", async () => {
		const { gateway, store } = await es256Gateway();
		const token = `${unsigned({ alg: "ES256" }, { sub: "x".repeat(9000) })}.AAAA`;
		await expectRefused(gateway, store, token, "token_too_large");
	});

	it("refuses a token whose header is not JSON", async () => {
		const { gateway, store } = await es256Gateway();
		await expectRefused(gateway, store, "bm90LWpzb24.e30.AAAA", "token_malformed");
	});
});
