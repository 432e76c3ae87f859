import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { parseSettings, type RawSettings, type Settings } from "../../src/config/settings";
import { keyRingFor } from "../../src/dependencies";
import { createGateway } from "../../src/gateway";
import type { GatewayDependencies } from "../../src/http/context";
import { OriginAssertionSigner } from "../../src/proxy/origin-assertion";
import { RevocationLookupCache } from "../../src/revocation/lookup-cache";
import { Revocations } from "../../src/revocation/revocations";
import { type RetryPolicy, RevocationStore } from "../../src/revocation/store";
import { issuerKeySets } from "../../src/tokens/issuer-key-sets";
import { VerificationCache } from "../../src/tokens/verification-cache";
import { type FrozenClock, frozenClock } from "./clock";
import { type RecordedLog, recordLogs } from "./log-recorder";
import {
	type RecordingOrigin,
	recordingOrigin,
	TEST_ORIGIN_ASSERTION_SECRET,
} from "./recording-origin";

export const ADMIN_KEY = "test-admin-key-that-is-at-least-32-characters";
export const ORIGIN_URL = "http://origin.test";

export interface TestGateway {
	request: (path: string, init?: RequestInit) => Promise<Response>;
	/** Hands the gateway a ready-made request, for shapes `RequestInit` cannot express. */
	fetch: (request: Request) => Promise<Response>;
	clock: FrozenClock;
	origin: RecordingOrigin;
	logs: RecordedLog;
	settings: Settings;
	kv: KVNamespace;
	deps: GatewayDependencies;
	cache: RevocationLookupCache;
}

export interface TestGatewayOptions {
	settings?: RawSettings;
	/** A KV double, e.g. one that fails; the real local KV binding by default. */
	kv?: KVNamespace;
	clock?: FrozenClock;
	/** Serves the trusted issuers' key sets in place of the network. */
	fetchKeySet?: typeof fetch;
}

/** Retries without waiting, so failing-store tests stay fast and deterministic. */
export const IMMEDIATE_RETRY: RetryPolicy = {
	attempts: 3,
	initialBackoffMs: 1,
	sleep: async () => {},
};

/**
 * The gateway wired as in production, but with a frozen clock, the example origin in-process
 * (counting what reaches it) and a log recorder. Storage is the real KV binding of workerd.
 */
export async function testGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
	const clock = options.clock ?? frozenClock();
	const logs = recordLogs(clock);
	const kv = options.kv ?? env.REVOCATIONS;
	const settings = parseSettings({
		UPSTREAM_URL: ORIGIN_URL,
		TOKEN_ISSUER: "test-issuer",
		TOKEN_AUDIENCE: "test-api",
		SIGNING_KEY: "test-signing-key-that-is-at-least-32-bytes-long",
		ADMIN_API_KEY: ADMIN_KEY,
		ORIGIN_ASSERTION_SECRET: TEST_ORIGIN_ASSERTION_SECRET,
		...options.settings,
	});
	const origin = recordingOrigin({ now: clock, issuer: settings.issuer });
	const store = new RevocationStore(kv, logs.logger, IMMEDIATE_RETRY);
	const cache = new RevocationLookupCache(
		settings.revocationCacheSeconds * 1000,
		settings.revocationCacheMaxEntries,
		clock,
	);
	const deps: GatewayDependencies = {
		settings,
		keys: await keyRingFor(settings),
		issuerKeySets: issuerKeySets(settings.trustedIssuers, options.fetchKeySet),
		originAssertions: await OriginAssertionSigner.fromSecret(settings.originAssertionSecret),
		revocations: new Revocations(store, settings, logs.logger, clock, cache),
		verificationCache: new VerificationCache(settings.verificationCacheMaxEntries),
		logger: logs.logger,
		clock,
		fetchUpstream: origin.fetch,
	};
	const app = createGateway(deps);
	return {
		request: async (path, init) => app.request(`https://gateway.test${path}`, init),
		fetch: async (request) => app.fetch(request),
		clock,
		origin,
		logs,
		settings,
		kv,
		deps,
		cache,
	};
}

/** Logs in through the gateway and returns the access token. */
export async function logIn(
	gateway: TestGateway,
	username = "alice",
	password = "wonderland",
): Promise<string> {
	const response = await gateway.request("/auth/login", {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ username, password }),
	});
	if (response.status !== 200) {
		throw new Error(`login failed with ${response.status}`);
	}
	const body = (await response.json()) as { access_token: string };
	return body.access_token;
}

export function bearer(token: string): Record<string, string> {
	return { Authorization: `Bearer ${token}` };
}

/** Sends an admin revocation and returns the response. */
export async function adminRevoke(gateway: TestGateway, body: unknown): Promise<Response> {
	return gateway.request("/admin/revocations", {
		method: "POST",
		headers: { ...bearer(ADMIN_KEY), "Content-Type": "application/json" },
		body: JSON.stringify(body),
	});
}

/**
 * Sends each path without a token and expects every answer to have `status`, with nothing
 * reaching the origin.
 */
export async function expectEveryPathAnswered(
	gateway: TestGateway,
	paths: readonly string[],
	status: number,
): Promise<void> {
	for (const path of paths) {
		const response = await gateway.request(path);
		expect(response.status, path).toBe(status);
	}
	expect(gateway.origin.proxied()).toHaveLength(0);
}
