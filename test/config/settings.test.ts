import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import exampleDevVars from "../../.dev.vars.example?raw";
import { isPublicPath, parsePublicPaths } from "../../src/config/public-paths";
import { EXAMPLE_SECRETS, parseSettings, type RawSettings } from "../../src/config/settings";

const required: RawSettings = {
	UPSTREAM_URL: "http://127.0.0.1:8788",
	TOKEN_ISSUER: "issuer",
	TOKEN_AUDIENCE: "api",
	SIGNING_KEY: "a-signing-key-that-is-32-bytes-long!",
	ADMIN_API_KEY: "an-admin-key-that-is-32-characters-long",
	ORIGIN_ASSERTION_SECRET: "an-origin-assertion-secret-of-32-bytes",
};

function settingsError(raw: RawSettings): string {
	try {
		parseSettings(raw);
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error("expected the settings to be refused");
}

describe("parseSettings", () => {
	it("applies the documented defaults", () => {
		expect(parseSettings(required)).toMatchObject({
			environment: "production",
			tokenLifetimeSeconds: 900,
			clockToleranceSeconds: 30,
			publicPaths: [{ kind: "prefix", prefix: "/public/" }],
			credentialCheckPath: "/auth/verify",
			forwardAuthorization: false,
			upstreamTimeoutMs: 10_000,
			revocationReadFailure: "closed",
		});
	});

	it.each([
		["UPSTREAM_URL", { UPSTREAM_URL: undefined }, "UPSTREAM_URL is not set"],
		["UPSTREAM_URL", { UPSTREAM_URL: "ftp://x" }, "UPSTREAM_URL must be an absolute http(s) URL"],
		["TOKEN_LIFETIME_SECONDS", { TOKEN_LIFETIME_SECONDS: "15m" }, "TOKEN_LIFETIME_SECONDS must"],
		["TOKEN_LIFETIME_SECONDS", { TOKEN_LIFETIME_SECONDS: "10" }, "TOKEN_LIFETIME_SECONDS"],
		["CLOCK_TOLERANCE_SECONDS", { CLOCK_TOLERANCE_SECONDS: "-1" }, "CLOCK_TOLERANCE_SECONDS"],
		["FORWARD_AUTHORIZATION", { FORWARD_AUTHORIZATION: "yes" }, "FORWARD_AUTHORIZATION"],
		["REVOCATION_READ_FAILURE", { REVOCATION_READ_FAILURE: "maybe" }, "REVOCATION_READ_FAILURE"],
		["PUBLIC_PATHS", { PUBLIC_PATHS: "public/*" }, "PUBLIC_PATHS"],
		[
			"CREDENTIAL_CHECK_PATH",
			{ CREDENTIAL_CHECK_PATH: "//evil.example/x" },
			"CREDENTIAL_CHECK_PATH",
		],
		[
			"CREDENTIAL_CHECK_PATH",
			{ CREDENTIAL_CHECK_PATH: "/\\evil.example" },
			"CREDENTIAL_CHECK_PATH",
		],
		["SIGNING_KEY", { SIGNING_KEY: "short" }, "SIGNING_KEY must be at least 32 bytes"],
		["ADMIN_API_KEY", { ADMIN_API_KEY: undefined }, "ADMIN_API_KEY is not set"],
		[
			"ORIGIN_ASSERTION_SECRET",
			{ ORIGIN_ASSERTION_SECRET: undefined },
			"ORIGIN_ASSERTION_SECRET is not set",
		],
		[
			"ORIGIN_ASSERTION_SECRET",
			{ ORIGIN_ASSERTION_SECRET: "short" },
			"ORIGIN_ASSERTION_SECRET must be at least 32 bytes",
		],
		[
			"ORIGIN_ASSERTION_SECRET",
			{ ORIGIN_ASSERTION_SECRET: required.SIGNING_KEY },
			"ORIGIN_ASSERTION_SECRET must differ from SIGNING_KEY",
		],
		[
			"ORIGIN_ASSERTION_SECRET",
			{ ORIGIN_ASSERTION_SECRET: required.ADMIN_API_KEY },
			"ORIGIN_ASSERTION_SECRET must differ from ADMIN_API_KEY",
		],
		["ROUTES", { ROUTES: "[{" }, "ROUTES must be a JSON array of routes"],
	])("names %s when it is missing or malformed", (_name, overrides, message) => {
		expect(settingsError({ ...required, ...overrides })).toContain(message);
	});

	it("refuses an admin key that a Bearer header could not carry", () => {
		const message = settingsError({
			...required,
			ADMIN_API_KEY: "an admin key with spaces of 32+ chars",
		});
		expect(message).toContain("ADMIN_API_KEY may hold only");
	});

	it("refuses a trusted issuer that is the gateway's own issuer", () => {
		const own = {
			name: "shadow",
			issuer: "issuer",
			jwks_uri: "https://idp.example/jwks.json",
			audience: "api",
			algorithms: ["RS256"],
		};
		const message = settingsError({ ...required, TRUSTED_ISSUERS: JSON.stringify([own]) });
		expect(message).toContain("TRUSTED_ISSUERS must not list TOKEN_ISSUER");
	});

	it("never repeats a secret's value in its message", () => {
		const message = settingsError({ ...required, SIGNING_KEY: "tiny-secret" });
		expect(message).not.toContain("tiny-secret");
	});

	it("refuses the example secrets in production and allows them in development", () => {
		const example = { ...required, ...EXAMPLE_SECRETS };
		expect(settingsError(example)).toContain("SIGNING_KEY still holds the public example value");
		expect(parseSettings({ ...example, GATEWAY_ENVIRONMENT: "development" }).environment).toBe(
			"development",
		);
	});

	it("refuses the example signing key in production in any encoding, current or previous", () => {
		const exampleJwk = {
			kty: "oct",
			k: base64url.encode(EXAMPLE_SECRETS.SIGNING_KEY),
			kid: "renamed",
			alg: "HS256",
		};
		expect(settingsError({ ...required, SIGNING_KEY: JSON.stringify(exampleJwk) })).toContain(
			"SIGNING_KEY holds the public example key",
		);
		const previous = { ...required, PREVIOUS_VERIFICATION_KEYS: JSON.stringify([exampleJwk]) };
		expect(settingsError(previous)).toContain(
			"PREVIOUS_VERIFICATION_KEYS holds the public example",
		);
		expect(
			parseSettings({ ...previous, GATEWAY_ENVIRONMENT: "development" }).previousVerificationKeys,
		).toHaveLength(1);
	});

	it("knows exactly the values that .dev.vars.example publishes", () => {
		for (const [name, value] of Object.entries(EXAMPLE_SECRETS)) {
			expect(exampleDevVars).toContain(`${name}=${value}\n`);
		}
	});
});

describe("public paths", () => {
	const rules = parsePublicPaths("/public/*, /health");

	it("match a prefix at a segment boundary and exact paths exactly", () => {
		expect(isPublicPath("/public/hello", rules)).toBe(true);
		expect(isPublicPath("/public/", rules)).toBe(true);
		expect(isPublicPath("/publicity", rules)).toBe(false);
		expect(isPublicPath("/health", rules)).toBe(true);
		expect(isPublicPath("/health/x", rules)).toBe(false);
	});
});
