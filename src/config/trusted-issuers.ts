import { z } from "zod";
import { SIGNING_ALGORITHMS } from "../tokens/algorithms";

/**
 * An external identity provider whose access tokens the gateway accepts (Auth0, Keycloak,
 * Cognito, Firebase, ...). One entry of the `TRUSTED_ISSUERS` setting.
 */
export interface TrustedIssuer {
	/** Short name that qualifies this issuer's revocations, e.g. `auth0`: a-z, 0-9 and `-`. */
	name: string;
	/** The exact `iss` its tokens carry. */
	issuer: string;
	/** Where its public keys are published (https, or http on loopback for local tests). */
	jwksUri: URL;
	/** The `aud` its tokens must carry for this API. */
	audience: string;
	/** Algorithms its keys may use; never HMAC, whose keys cannot be published. */
	algorithms: ("ES256" | "EdDSA" | "RS256")[];
	/** Longest `exp - iat` accepted from it, in seconds. */
	maxTokenLifetimeSeconds: number;
	/** How long to wait for its key set, in milliseconds, before answering 503. */
	jwksTimeoutMs: number;
}

const ASYMMETRIC_ALGORITHMS = SIGNING_ALGORITHMS.filter((algorithm) => algorithm !== "HS256") as (
	| "ES256"
	| "EdDSA"
	| "RS256"
)[];

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

const trustedIssuer = z
	.strictObject({
		name: z.string().regex(/^[a-z0-9-]{1,32}$/, "name must be 1-32 of a-z, 0-9 and -"),
		issuer: z.string().min(1),
		jwks_uri: z.url({ protocol: /^https?$/ }).transform((value) => new URL(value)),
		audience: z.string().min(1),
		algorithms: z.array(z.enum(ASYMMETRIC_ALGORITHMS)).min(1),
		max_token_lifetime_seconds: z.number().int().min(60).max(86_400).default(3600),
		jwks_timeout_ms: z.number().int().min(100).max(30_000).default(3000),
	})
	.refine(
		(entry) => entry.jwks_uri.protocol === "https:" || LOOPBACK_HOSTS.has(entry.jwks_uri.hostname),
		"jwks_uri must use https (http only on loopback)",
	)
	.transform(
		(entry): TrustedIssuer => ({
			name: entry.name,
			issuer: entry.issuer,
			jwksUri: entry.jwks_uri,
			audience: entry.audience,
			algorithms: entry.algorithms,
			maxTokenLifetimeSeconds: entry.max_token_lifetime_seconds,
			jwksTimeoutMs: entry.jwks_timeout_ms,
		}),
	);

/** Schema of the parsed `TRUSTED_ISSUERS` JSON: names and issuers are unique. */
export const trustedIssuerList = z
	.array(trustedIssuer, { error: "must be a JSON array of issuer objects" })
	.refine(
		(list) => new Set(list.map((entry) => entry.name)).size === list.length,
		"names must be unique",
	)
	.refine(
		(list) => new Set(list.map((entry) => entry.issuer)).size === list.length,
		"issuers must be unique",
	);
