import { createLocalJWKSet, decodeProtectedHeader, type JWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { bearer, logIn, testGateway } from "../support/gateway";
import { generateSigningKey } from "../support/keys";

const ASYMMETRIC = ["ES256", "EdDSA", "RS256"] as const;

/** A gateway on a fresh ES256 key, one of its tokens, and the public JWKs it publishes. */
async function tokenOfAnEs256Gateway() {
	const oldKey = await generateSigningKey("ES256");
	const before = await testGateway({
		settings: { SIGNING_ALGORITHM: "ES256", SIGNING_KEY: oldKey.pem },
	});
	const oldToken = await logIn(before);
	const published = await (await before.request("/.well-known/jwks.json")).json();
	return { before, oldToken, oldPublic: (published as { keys: JWK[] }).keys };
}

describe("signing keys", () => {
	it.each(ASYMMETRIC)("signs with %s from a PKCS#8 PEM key and verifies again", async (alg) => {
		const key = await generateSigningKey(alg);
		const gateway = await testGateway({
			settings: { SIGNING_ALGORITHM: alg, SIGNING_KEY: key.pem },
		});
		const token = await logIn(gateway);
		expect(decodeProtectedHeader(token)).toMatchObject({
			alg,
			kid: gateway.deps.keys.current.keyId,
		});
		const response = await gateway.request("/api/whoami", { headers: bearer(token) });
		expect(response.status).toBe(200);
	});

	it.each(ASYMMETRIC)(
		"publishes the %s public key, which verifies the gateway's tokens",
		async (alg) => {
			const key = await generateSigningKey(alg);
			const gateway = await testGateway({
				settings: { SIGNING_ALGORITHM: alg, SIGNING_KEY: JSON.stringify(key.privateJwk) },
			});
			const response = await gateway.request("/.well-known/jwks.json");
			expect(response.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
			const jwks = (await response.json()) as { keys: JWK[] };
			expect(jwks.keys).toHaveLength(1);
			const [published] = jwks.keys;
			expect(published).toMatchObject({ alg, use: "sig", kid: gateway.deps.keys.current.keyId });
			for (const member of ["d", "p", "q", "dp", "dq", "qi", "k"]) {
				expect(published).not.toHaveProperty(member);
			}
			const token = await logIn(gateway);
			const verified = await jwtVerify(token, createLocalJWKSet(jwks), {
				algorithms: [alg],
				currentDate: new Date(gateway.clock()),
			});
			expect(verified.payload.sub).toBe("alice");
		},
	);

	it("publishes no key while signing with an HMAC secret", async () => {
		const gateway = await testGateway();
		const response = await gateway.request("/.well-known/jwks.json");
		expect(await response.json()).toEqual({ keys: [] });
	});

	it("keeps verifying tokens of a previous key after rotation, and stops once it is removed", async () => {
		const { before, oldToken, oldPublic } = await tokenOfAnEs256Gateway();

		const newKey = await generateSigningKey("EdDSA");
		const rotated = await testGateway({
			clock: before.clock,
			settings: {
				SIGNING_ALGORITHM: "EdDSA",
				SIGNING_KEY: newKey.pem,
				PREVIOUS_VERIFICATION_KEYS: JSON.stringify(oldPublic),
			},
		});
		expect((await rotated.request("/api/whoami", { headers: bearer(oldToken) })).status).toBe(200);
		const newToken = await logIn(rotated);
		expect(decodeProtectedHeader(newToken).alg).toBe("EdDSA");
		const published = (
			(await (await rotated.request("/.well-known/jwks.json")).json()) as { keys: JWK[] }
		).keys;
		expect(published.map((key) => key.alg).sort()).toEqual(["ES256", "EdDSA"]);

		const afterwards = await testGateway({
			clock: before.clock,
			settings: { SIGNING_ALGORITHM: "EdDSA", SIGNING_KEY: newKey.pem },
		});
		const refused = await afterwards.request("/api/whoami", { headers: bearer(oldToken) });
		expect(refused.status).toBe(401);
		expect(afterwards.logs.entries().at(-1)).toMatchObject({ outcome: "token_unknown_key" });
	});

	it("rotates HMAC secrets through an oct JWK of the previous secret", async () => {
		const oldSecret = "the-previous-hmac-secret-of-32-bytes-or-more";
		const before = await testGateway({ settings: { SIGNING_KEY: oldSecret } });
		const oldToken = await logIn(before);
		const rotated = await testGateway({
			clock: before.clock,
			settings: {
				SIGNING_KEY: "the-next-hmac-secret-of-at-least-32-bytes!!",
				PREVIOUS_VERIFICATION_KEYS: JSON.stringify([
					{
						kty: "oct",
						alg: "HS256",
						k: btoa(oldSecret).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_"),
					},
				]),
			},
		});
		expect((await rotated.request("/api/whoami", { headers: bearer(oldToken) })).status).toBe(200);
		expect(await (await rotated.request("/.well-known/jwks.json")).json()).toEqual({ keys: [] });
	});

	it("revoking a kid refuses the tokens of that key only", async () => {
		const { before, oldToken, oldPublic } = await tokenOfAnEs256Gateway();
		const rotated = await testGateway({
			clock: before.clock,
			settings: {
				SIGNING_ALGORITHM: "ES256",
				SIGNING_KEY: (await generateSigningKey("ES256")).pem,
				PREVIOUS_VERIFICATION_KEYS: JSON.stringify(oldPublic),
			},
		});
		const newToken = await logIn(rotated);
		const revoke = await rotated.request("/admin/revocations", {
			method: "POST",
			headers: {
				...bearer("test-admin-key-that-is-at-least-32-characters"),
				"Content-Type": "application/json",
			},
			body: JSON.stringify({ kid: before.deps.keys.current.keyId }),
		});
		expect(revoke.status).toBe(201);
		expect((await rotated.request("/api/whoami", { headers: bearer(oldToken) })).status).toBe(401);
		expect((await rotated.request("/api/whoami", { headers: bearer(newToken) })).status).toBe(200);
	});
});

describe("key settings", () => {
	async function misconfiguration(settings: Record<string, string>): Promise<string> {
		try {
			await testGateway({ settings });
		} catch (error) {
			return (error as Error).message;
		}
		throw new Error("expected the key settings to be refused");
	}

	it("refuses an RSA key under 2048 bits", async () => {
		const weak = await generateSigningKey("RS256", { modulusLength: 1024 });
		expect(await misconfiguration({ SIGNING_ALGORITHM: "RS256", SIGNING_KEY: weak.pem })).toContain(
			"SIGNING_KEY must be an RSA key of at least 2048 bits",
		);
	});

	it("refuses a key of the wrong type for the algorithm, naming the setting only", async () => {
		const ec = await generateSigningKey("ES256");
		const message = await misconfiguration({ SIGNING_ALGORITHM: "EdDSA", SIGNING_KEY: ec.pem });
		expect(message).toContain("SIGNING_KEY");
		expect(message).not.toContain(ec.pem.slice(30, 60));
	});

	it("refuses a public JWK as the signing key", async () => {
		const ec = await generateSigningKey("ES256");
		expect(
			await misconfiguration({
				SIGNING_ALGORITHM: "ES256",
				SIGNING_KEY: JSON.stringify(ec.publicJwk),
			}),
		).toContain("SIGNING_KEY");
	});

	it("refuses previous keys without alg, or that are not JSON", async () => {
		const ec = await generateSigningKey("ES256");
		expect(
			await misconfiguration({ PREVIOUS_VERIFICATION_KEYS: JSON.stringify([ec.publicJwk]) }),
		).toContain("PREVIOUS_VERIFICATION_KEYS entries need an alg");
		expect(await misconfiguration({ PREVIOUS_VERIFICATION_KEYS: "not json" })).toContain(
			"PREVIOUS_VERIFICATION_KEYS must be a JSON array of JWKs",
		);
	});

	it("refuses an unsupported algorithm", async () => {
		expect(await misconfiguration({ SIGNING_ALGORITHM: "none" })).toContain("SIGNING_ALGORITHM");
		expect(await misconfiguration({ SIGNING_ALGORITHM: "HS512" })).toContain("SIGNING_ALGORITHM");
	});
});
