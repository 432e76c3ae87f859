import { base64url, type JWK } from "jose";
import { z } from "zod";
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from "../tokens/algorithms";
import { B64TOKEN } from "../tokens/bearer";
import { jsonSetting } from "./json-setting";
import { isPublicPathList, type PublicPathRule, parsePublicPaths } from "./public-paths";
import { buildRoutes, type Route, routesSetting } from "./routes";
import { type TrustedIssuer, trustedIssuerList } from "./trusted-issuers";

/**
 * The gateway's settings, parsed once from wrangler vars and Worker secrets. Every field
 * documents its unit and default; README.md ("Settings") has the same table for operators.
 */
export interface Settings {
	/** `development` allows the example secrets of `.dev.vars.example`. Default `production`. */
	environment: "development" | "production";
	/** Base URL of the origin every proxied request goes to. Required. */
	upstreamUrl: URL;
	/** `iss` of minted tokens, and the only issuer accepted. Required. */
	issuer: string;
	/** `aud` of minted tokens, and the only audience accepted. Required. */
	audience: string;
	/** Lifetime of minted tokens, and the longest lifetime accepted, in seconds. Default 900. */
	tokenLifetimeSeconds: number;
	/** Leeway for `exp`, `nbf` and `iat` against clock skew, in seconds. Default 30. */
	clockToleranceSeconds: number;
	/** Paths that skip the token check. Default `/public/*`. Ignored when `ROUTES` is set. */
	publicPaths: PublicPathRule[];
	/** Where each path is forwarded and the token check it needs, most specific first. */
	routes: Route[];
	/** Path on the origin that checks a username and password at login. Default `/auth/verify`. */
	credentialCheckPath: string;
	/** Whether the client's `Authorization` header reaches the origin. Default false. */
	forwardAuthorization: boolean;
	/** How long to wait for the origin's response headers, in milliseconds. Default 10000. */
	upstreamTimeoutMs: number;
	/** What a failed revocation lookup does: refuse (`closed`, default) or allow (`open`). */
	revocationReadFailure: "closed" | "open";
	/** How long an isolate reuses a revocation lookup, in seconds; 0 turns it off. Default 5. */
	revocationCacheSeconds: number;
	/** How many revocation lookups an isolate keeps at most. Default 20000. */
	revocationCacheMaxEntries: number;
	/** How many verified tokens an isolate keeps to skip verifying them again; 0: none. 10000. */
	verificationCacheMaxEntries: number;
	/** Algorithm of `SIGNING_KEY`: HS256 (default), ES256, EdDSA or RS256. */
	signingAlgorithm: SigningAlgorithm;
	/**
	 * The current signing key: an HMAC secret of at least 32 bytes for HS256, else a PKCS#8 PEM
	 * private key or a private JWK. Required secret.
	 */
	signingKey: string;
	/** JWKs (with `alg`) of earlier signing keys that still verify; empty by default. */
	previousVerificationKeys: JWK[];
	/** External identity providers whose tokens are accepted too; none by default. */
	trustedIssuers: TrustedIssuer[];
	/** The longest token lifetime any accepted issuer may use, in seconds (derived). */
	longestTokenLifetimeSeconds: number;
	/** Bearer key for the admin routes, at least 32 characters. Required secret. */
	adminApiKey: string;
	/** HMAC secret (HS256) of the assertion the origin receives, at least 32 bytes. Required. */
	originAssertionSecret: string;
}

/** A setting is missing or malformed; the message names it and never repeats its value. */
export class SettingsError extends Error {
	override readonly name = "SettingsError";
}

/** Values published in `.dev.vars.example`; a production worker must refuse to run with them. */
export const EXAMPLE_SECRETS = {
	SIGNING_KEY: "example-signing-key-for-local-development-only-0000",
	ADMIN_API_KEY: "example-admin-key-for-local-development-only",
	ORIGIN_ASSERTION_SECRET: "example-origin-assertion-secret-for-local-development-only",
} as const;

const integerSetting = (min: number, max: number, fallback: number) =>
	z
		.string()
		.default(String(fallback))
		.pipe(
			z
				.string()
				.trim()
				.regex(/^\d+$/, "must be a whole number")
				.transform(Number)
				.pipe(z.number().int().min(min).max(max)),
		);

const booleanSetting = (fallback: boolean) =>
	z
		.enum(["true", "false"], { error: 'must be "true" or "false"' })
		.default(fallback ? "true" : "false")
		.transform((value) => value === "true");

const httpUrl = z
	.string()
	.trim()
	.pipe(z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }))
	.transform((value) => new URL(value));

const byteLength = (value: string) => new TextEncoder().encode(value).byteLength;

const settingsSchema = z.object({
	GATEWAY_ENVIRONMENT: z.enum(["development", "production"]).default("production"),
	UPSTREAM_URL: httpUrl,
	TOKEN_ISSUER: z.string().trim().min(1, "must not be empty"),
	TOKEN_AUDIENCE: z.string().trim().min(1, "must not be empty"),
	TOKEN_LIFETIME_SECONDS: integerSetting(60, 86_400, 900),
	CLOCK_TOLERANCE_SECONDS: integerSetting(0, 300, 30),
	PUBLIC_PATHS: z
		.string()
		.refine(isPublicPathList, "must be a comma-separated list of paths starting with /")
		.default("/public/*"),
	// One leading slash and no backslash: `//host/x` would read as another host.
	CREDENTIAL_CHECK_PATH: z
		.string()
		.regex(/^\/(?![/\\])[^\\\s?#]*$/, "must be a path starting with a single /")
		.default("/auth/verify"),
	FORWARD_AUTHORIZATION: booleanSetting(false),
	UPSTREAM_TIMEOUT_MS: integerSetting(100, 300_000, 10_000),
	REVOCATION_READ_FAILURE: z.enum(["closed", "open"]).default("closed"),
	REVOCATION_CACHE_SECONDS: integerSetting(0, 60, 5),
	// About 110 bytes an entry: the cap keeps the cache well inside an isolate's 128 MB.
	REVOCATION_CACHE_MAX_ENTRIES: integerSetting(0, 200_000, 20_000),
	// At most 2 KiB of token and its claims an entry: the cap keeps this cache well inside too.
	VERIFICATION_CACHE_MAX_ENTRIES: integerSetting(0, 20_000, 10_000),
	SIGNING_ALGORITHM: z.enum(SIGNING_ALGORITHMS).default("HS256"),
	SIGNING_KEY: z.string().refine((key) => byteLength(key) >= 32, "must be at least 32 bytes"),
	PREVIOUS_VERIFICATION_KEYS: jsonSetting(
		z.array(z.looseObject({ kty: z.string() }), { error: "must be a JSON array of JWKs" }),
		"[]",
		"must be a JSON array of JWKs",
	),
	TRUSTED_ISSUERS: jsonSetting(trustedIssuerList, "[]", "must be a JSON array of issuer objects"),
	// Presented as a Bearer credential, so it must be one that the header can carry.
	ADMIN_API_KEY: z
		.string()
		.min(32, "must be at least 32 characters")
		.regex(B64TOKEN, "may hold only letters, digits and -._~+/ (then = signs)"),
	ROUTES: routesSetting,
	ORIGIN_ASSERTION_SECRET: z
		.string()
		.refine((key) => byteLength(key) >= 32, "must be at least 32 bytes"),
});

/** Settings as wrangler hands them over: every var and secret is a string, or absent. */
export type RawSettings = Partial<Record<keyof z.input<typeof settingsSchema>, unknown>>;

/**
 * Parses and validates the settings. Throws a `SettingsError` that names each bad setting; the
 * message never contains a value, since some settings are secrets.
 */
export function parseSettings(raw: RawSettings): Settings {
	const parsed = settingsSchema.safeParse(raw);
	if (!parsed.success) {
		const problems = parsed.error.issues.map((issue) => {
			const name = String(issue.path[0] ?? "settings");
			const missing = issue.code === "invalid_type" && raw[name as keyof RawSettings] == null;
			// Nested settings (ROUTES) name the entry and field too: `ROUTES[1].upstream`.
			const where = issue.path
				.slice(1)
				.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
				.join("");
			return missing ? `${name} is not set` : `${name}${where} ${issue.message}`;
		});
		throw new SettingsError(`Invalid settings: ${problems.join("; ")}`);
	}
	const env = parsed.data;

	// The origin holds this secret. Were it the token signing key or the admin key, the origin
	// could mint access tokens or revoke them, so it must differ from both.
	for (const other of ["SIGNING_KEY", "ADMIN_API_KEY"] as const) {
		if (env.ORIGIN_ASSERTION_SECRET === env[other]) {
			throw new SettingsError(`ORIGIN_ASSERTION_SECRET must differ from ${other}`);
		}
	}

	// The gateway's own issuer is verified with its own keys and never looked up among the
	// trusted ones, so an entry for it would be dead configuration that misleads (and would
	// name the wrong issuer for the gateway's own revoked tokens).
	if (env.TRUSTED_ISSUERS.some((entry) => entry.issuer === env.TOKEN_ISSUER)) {
		throw new SettingsError("TRUSTED_ISSUERS must not list TOKEN_ISSUER, the gateway's own");
	}

	// A deployed worker running with the published example secrets would accept tokens that
	// anyone can mint, so it refuses to serve instead.
	if (env.GATEWAY_ENVIRONMENT === "production") {
		for (const [name, exampleValue] of Object.entries(EXAMPLE_SECRETS)) {
			if (raw[name as keyof RawSettings] === exampleValue) {
				throw new SettingsError(
					`${name} still holds the public example value from .dev.vars.example; ` +
						`set a real one with \`wrangler secret put ${name}\``,
				);
			}
		}
		// The example signing secret verifies tokens in any encoding: as an `oct` JWK, or kept
		// among the previous keys after a rotation away from it.
		if (isExampleSigningKey(env.SIGNING_KEY)) {
			throw new SettingsError(
				"SIGNING_KEY holds the public example key from .dev.vars.example; set a real one " +
					"with `wrangler secret put SIGNING_KEY`",
			);
		}
		if (env.PREVIOUS_VERIFICATION_KEYS.some(isExampleSigningKey)) {
			throw new SettingsError(
				"PREVIOUS_VERIFICATION_KEYS holds the public example key from .dev.vars.example, " +
					"with which anyone can sign tokens; remove it",
			);
		}
	}

	const publicPaths = parsePublicPaths(env.PUBLIC_PATHS);
	return {
		environment: env.GATEWAY_ENVIRONMENT,
		upstreamUrl: env.UPSTREAM_URL,
		issuer: env.TOKEN_ISSUER,
		audience: env.TOKEN_AUDIENCE,
		tokenLifetimeSeconds: env.TOKEN_LIFETIME_SECONDS,
		clockToleranceSeconds: env.CLOCK_TOLERANCE_SECONDS,
		publicPaths,
		routes: buildRoutes(env.ROUTES, env.UPSTREAM_URL, publicPaths),
		credentialCheckPath: env.CREDENTIAL_CHECK_PATH,
		forwardAuthorization: env.FORWARD_AUTHORIZATION,
		upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
		revocationReadFailure: env.REVOCATION_READ_FAILURE,
		revocationCacheSeconds: env.REVOCATION_CACHE_SECONDS,
		revocationCacheMaxEntries: env.REVOCATION_CACHE_MAX_ENTRIES,
		verificationCacheMaxEntries: env.VERIFICATION_CACHE_MAX_ENTRIES,
		signingAlgorithm: env.SIGNING_ALGORITHM,
		signingKey: env.SIGNING_KEY,
		previousVerificationKeys: env.PREVIOUS_VERIFICATION_KEYS as JWK[],
		trustedIssuers: env.TRUSTED_ISSUERS,
		longestTokenLifetimeSeconds: Math.max(
			env.TOKEN_LIFETIME_SECONDS,
			...env.TRUSTED_ISSUERS.map((entry) => entry.maxTokenLifetimeSeconds),
		),
		adminApiKey: env.ADMIN_API_KEY,
		originAssertionSecret: env.ORIGIN_ASSERTION_SECRET,
	};
}

/** Whether key material is the example HMAC secret: as text, or as an `oct` JWK of its bytes. */
function isExampleSigningKey(material: unknown): boolean {
	const example = EXAMPLE_SECRETS.SIGNING_KEY;
	let jwk: unknown = material;
	if (typeof material === "string") {
		if (material.trim() === example) {
			return true;
		}
		try {
			jwk = JSON.parse(material);
		} catch {
			return false;
		}
	}
	if (typeof jwk !== "object" || jwk === null || !("k" in jwk) || typeof jwk.k !== "string") {
		return false;
	}
	try {
		return new TextDecoder().decode(base64url.decode(jwk.k)) === example;
	} catch {
		return false;
	}
}
