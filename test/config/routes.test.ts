import { describe, expect, it } from "vitest";
import { matchRoute } from "../../src/config/routes";
import { parseSettings, type RawSettings } from "../../src/config/settings";

const required: RawSettings = {
	UPSTREAM_URL: "http://origin.test",
	TOKEN_ISSUER: "issuer",
	TOKEN_AUDIENCE: "api",
	SIGNING_KEY: "a-signing-key-that-is-32-bytes-long!",
	ADMIN_API_KEY: "an-admin-key-that-is-32-characters-long",
	ORIGIN_ASSERTION_SECRET: "an-origin-assertion-secret-of-32-bytes",
};

function routesFrom(raw: RawSettings) {
	return parseSettings({ ...required, ...raw }).routes;
}

function settingsError(raw: RawSettings): string {
	try {
		parseSettings({ ...required, ...raw });
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error("expected the settings to be refused");
}

describe("ROUTES", () => {
	it("defaults to PUBLIC_PATHS as public and everything else as required, to UPSTREAM_URL", () => {
		const routes = routesFrom({ PUBLIC_PATHS: "/public/*, /health" });
		expect(
			routes.map(({ path, auth, upstream }) => ({ path, auth, upstream: upstream.href })),
		).toEqual([
			{ path: "/health", auth: "public", upstream: "http://origin.test/" },
			{ path: "/public/*", auth: "public", upstream: "http://origin.test/" },
			{ path: "/*", auth: "required", upstream: "http://origin.test/" },
		]);
		expect(routesFrom({ ROUTES: "" })).toHaveLength(2);
	});

	it("replaces the default table, and an entry without upstream goes to UPSTREAM_URL", () => {
		const routes = routesFrom({
			PUBLIC_PATHS: "/ignored/*",
			ROUTES: JSON.stringify([
				{ path: "/api/*", preflight: "forward" },
				{ path: "/files/*", upstream: "https://files.test/storage", auth: "optional" },
			]),
		});
		expect(routes).toMatchObject([
			{ path: "/files/*", auth: "optional", forwardPreflight: false },
			{ path: "/api/*", auth: "required", forwardPreflight: true },
		]);
		expect(routes.map((route) => route.upstream.href)).toEqual([
			"https://files.test/storage",
			"http://origin.test/",
		]);
	});

	it("accepts the array itself, as a TOML array in wrangler.toml hands it over", () => {
		expect(routesFrom({ ROUTES: [{ path: "/*", auth: "public" }] })).toMatchObject([
			{ path: "/*", auth: "public" },
		]);
	});

	it.each([
		["not JSON", "[{", "ROUTES must be a JSON array of routes"],
		["an object", '{"path":"/*"}', "ROUTES must be a JSON array of routes"],
		["empty", "[]", "ROUTES must hold at least one route"],
		["a path without /", '[{"path":"api/*"}]', "ROUTES[0].path must be a path"],
		["a star inside a path", '[{"path":"/a*/b"}]', "ROUTES[0].path must be a path"],
		["a bad upstream", '[{"path":"/*","upstream":"ftp://x"}]', "ROUTES[0].upstream must be"],
		[
			"an upstream with credentials",
			'[{"path":"/*","upstream":"https://user:pw@x.test"}]',
			"ROUTES[0].upstream must not hold credentials",
		],
		["an unknown auth mode", '[{"path":"/*","auth":"maybe"}]', "ROUTES[0].auth"],
		["an unknown field", '[{"path":"/*","public":true}]', "ROUTES[0]"],
		["a repeated path", '[{"path":"/*"},{"path":"/*"}]', "ROUTES[1].path repeats the path /*"],
		[
			"a gateway-owned path",
			'[{"path":"/*"},{"path":"/admin/*"}]',
			"ROUTES[1].path /admin/* is served by the gateway itself",
		],
	])("refuses %s, naming the entry", (_case, value, message) => {
		expect(settingsError({ ROUTES: value })).toContain(message);
	});

	it("never repeats a route's upstream credentials in the message", () => {
		const message = settingsError({
			ROUTES: '[{"path":"/*","upstream":"https://user:hunter2@x.test"}]',
		});
		expect(message).not.toContain("hunter2");
	});
});

describe("matchRoute", () => {
	const routes = routesFrom({
		ROUTES: JSON.stringify([
			{ path: "/*", auth: "public" },
			{ path: "/api/*" },
			{ path: "/api/public/*", auth: "public" },
			{ path: "/api/status", auth: "public" },
		]),
	});
	const match = (path: string) => matchRoute(path, routes)?.path;

	it("picks the most specific route, whatever the order of the setting", () => {
		expect(match("/api/status")).toBe("/api/status");
		expect(match("/api/status/x")).toBe("/api/*");
		expect(match("/api/public/a")).toBe("/api/public/*");
		expect(match("/api/x")).toBe("/api/*");
		expect(match("/apix")).toBe("/*");
		expect(match("/")).toBe("/*");
	});

	it("matches prefixes at a segment boundary only", () => {
		const narrow = routesFrom({ ROUTES: '[{"path":"/api/*"}]' });
		expect(matchRoute("/api/", narrow)?.path).toBe("/api/*");
		expect(matchRoute("/api", narrow)).toBeUndefined();
		expect(matchRoute("/apiary", narrow)).toBeUndefined();
	});
});
