import { execFileSync } from "node:child_process";
import { calculateJwkThumbprint, importJWK, type JWK, jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";

// `npm run keys` as a developer runs it: the printed SIGNING_KEY signs, and the printed JWK
// (the one kept for rotation) verifies, under the same kid the gateway will compute.
function runKeys(...args: string[]): string {
	return execFileSync(process.execPath, ["scripts/keys.mjs", ...args], { encoding: "utf8" });
}

function runKeysWithInput(input: string, ...args: string[]): string {
	return execFileSync(process.execPath, ["scripts/keys.mjs", ...args], { encoding: "utf8", input });
}

describe("npm run keys", () => {
	it.each(["ES256", "EdDSA", "RS256"])("makes a %s key whose kept JWK verifies it", async (alg) => {
		const output = runKeys(alg);
		const signingLine = output.split("\n").find((line) => line.startsWith("SIGNING_KEY="));
		const keptLine = output.trim().split("\n").at(-1);
		const privateJwk = JSON.parse(signingLine?.slice("SIGNING_KEY=".length) ?? "") as JWK;
		const keptJwk = JSON.parse(keptLine ?? "") as JWK;

		for (const member of ["d", "p", "q", "dp", "dq", "qi"]) {
			expect(keptJwk).not.toHaveProperty(member);
		}
		expect(keptJwk).toMatchObject({ alg, use: "sig", kid: privateJwk.kid });
		const { kid: _kid, alg: _alg, use: _use, ...bare } = keptJwk;
		expect(await calculateJwkThumbprint(bare)).toBe(keptJwk.kid);

		const token = await new SignJWT({ sub: "x" })
			.setProtectedHeader({ alg })
			.sign(await importJWK(privateJwk, alg));
		const verified = await jwtVerify(token, await importJWK(keptJwk, alg));
		expect(verified.payload.sub).toBe("x");
	});

	it("makes an HS256 secret of 64 characters and its oct JWK", () => {
		const secret = runKeys("HS256", "--secret-only").trim();
		expect(secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
		const output = runKeys("HS256");
		const kept = JSON.parse(output.trim().split("\n").at(-1) ?? "") as JWK;
		expect(kept).toMatchObject({ kty: "oct", alg: "HS256" });
	});

	it("turns an HS256 secret in use into the JWK that keeps verifying it after rotation", async () => {
		const secret = "example-signing-key-for-local-development-only-0000";
		const jwk = JSON.parse(runKeysWithInput(`${secret}\n`, "--jwk-of-secret")) as JWK;
		expect(jwk).toMatchObject({ kty: "oct", alg: "HS256" });
		expect(Buffer.from(jwk.k ?? "", "base64url").toString()).toBe(secret);
		expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: "oct", k: jwk.k }));
		expect(() => runKeysWithInput("short", "--jwk-of-secret")).toThrow();
	});

	it("refuses an unknown algorithm", () => {
		expect(() => runKeys("none")).toThrow();
	});
});
