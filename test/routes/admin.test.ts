import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { TEST_EPOCH } from "../support/clock";
import { ADMIN_KEY, adminRevoke, bearer, logIn, testGateway } from "../support/gateway";

const whoami = (gateway: Awaited<ReturnType<typeof testGateway>>, token: string) =>
	gateway.request("/api/whoami", { headers: bearer(token) });

describe("POST /admin/revocations", () => {
	it("revokes one token by jti and exp, leaving the user's other tokens alone", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const other = await logIn(gateway);
		const { jti, exp } = decodeJwt(token);

		const response = await adminRevoke(gateway, { jti, exp, reason: "leaked in a log" });
		expect(response.status).toBe(201);
		expect(await response.json()).toMatchObject({
			stored: true,
			revocation: { kind: "token", id: jti, reason: "leaked in a log", revoked_by: "admin" },
		});

		expect((await whoami(gateway, token)).status).toBe(401);
		expect((await whoami(gateway, other)).status).toBe(200);
		expect(gateway.origin.proxied()).toHaveLength(1);
	});

	it("revokes one token presented whole", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const response = await adminRevoke(gateway, { token });
		expect(response.status).toBe(201);
		expect(await response.json()).toMatchObject({
			revocation: { kind: "token", id: decodeJwt(token).jti },
		});
		expect((await whoami(gateway, token)).status).toBe(401);
	});

	it("revokes a session: its tokens fail, the user's other sessions work", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const otherSession = await logIn(gateway);
		gateway.clock.advance(1);

		const response = await adminRevoke(gateway, { sid: decodeJwt(token).sid });
		expect(response.status).toBe(201);

		expect((await whoami(gateway, token)).status).toBe(401);
		expect((await whoami(gateway, otherSession)).status).toBe(200);
	});

	it("revokes a user's every token, bob's stay valid", async () => {
		const gateway = await testGateway();
		const alice = [await logIn(gateway), await logIn(gateway)];
		const bob = await logIn(gateway, "bob", "builder");
		gateway.clock.advance(1);

		expect((await adminRevoke(gateway, { sub: "alice" })).status).toBe(201);

		for (const token of alice) {
			expect((await whoami(gateway, token)).status).toBe(401);
		}
		expect((await whoami(gateway, bob)).status).toBe(200);
	});

	it("revokes a signing key: every token it signed is refused", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const response = await adminRevoke(gateway, { kid: gateway.deps.keys.current.keyId });
		expect(response.status).toBe(201);
		expect(await response.json()).toMatchObject({ revocation: { expires_at: null } });
		expect((await whoami(gateway, token)).status).toBe(401);
		expect((await whoami(gateway, await logIn(gateway))).status).toBe(401);
	});

	it("reports an expired token as revoked without storing anything", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		gateway.clock.advance((900 + 30) * 1000);

		const response = await adminRevoke(gateway, { token });
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ stored: false });
		expect((await gateway.kv.list()).keys).toHaveLength(0);
	});

	it("revokes a token presented with surrounding whitespace", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		expect((await adminRevoke(gateway, { token: ` ${token}\n` })).status).toBe(201);
		const response = await gateway.request("/api/whoami", { headers: bearer(token) });
		expect(response.status).toBe(401);
	});

	it("refuses a token the gateway did not sign, naming the reason to the admin", async () => {
		const gateway = await testGateway();
		const forged = await new SignJWT({ sub: "alice" })
			.setProtectedHeader({ alg: "HS256" })
			.setIssuedAt(TEST_EPOCH / 1000)
			.setExpirationTime(TEST_EPOCH / 1000 + 60)
			.sign(new TextEncoder().encode("some-other-secret-of-at-least-32-bytes!"));
		const response = await adminRevoke(gateway, { token: forged });
		expect(response.status).toBe(400);
		const body = (await response.json()) as { error_description: string };
		expect(body.error_description).toContain("token_bad_signature");
		expect(body.error_description).not.toContain(forged);
	});

	it("never repeats a field name the client sent, which may hold a token", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const response = await adminRevoke(gateway, { sub: "alice", [token]: 1 });
		expect(response.status).toBe(400);
		const body = (await response.json()) as { error: string; error_description: string };
		expect(body.error).toBe("invalid_request");
		expect(body.error_description).not.toContain(token.slice(0, 20));
	});

	it.each([
		["no target", {}],
		["two targets", { sub: "alice", sid: "s" }],
		["an empty id", { sub: "" }],
		["an id of 257 bytes", { sub: "x".repeat(257) }],
		["a non-string id", { jti: 42 }],
		["a string exp", { jti: "abc", exp: "soon" }],
		["an unknown field", { user: "alice" }],
		["a misspelt field next to a target", { sub: "alice", isuer: "auth0" }],
		["a kid that names no key", { kid: "key-1" }],
		["an untrusted issuer next to a kid", { kid: "key-1", issuer: "auth0" }],
		["a reason too long", { sub: "alice", reason: "r".repeat(201) }],
		["a reason of control characters", { sub: "alice", reason: "\u0001".repeat(200) }],
		["a reason of two lines", { sub: "alice", reason: "one\u2028two" }],
		["a reason with a lone surrogate", { sub: "alice", reason: "a\ud800" }],
		["an id with a lone surrogate", { sid: "a\ud800b" }],
	])("answers %s with 400 invalid_request", async (_case, body) => {
		const gateway = await testGateway();
		const response = await adminRevoke(gateway, body);
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: "invalid_request" });
		expect((await gateway.kv.list()).keys).toHaveLength(0);
	});

	it("accepts ids of any characters, and kinds never collide", async () => {
		const gateway = await testGateway();
		const odd = 'user:../"<script>\u0000 ünïcødé/%2F';
		expect((await adminRevoke(gateway, { sid: odd })).status).toBe(201);
		expect((await adminRevoke(gateway, { jti: odd })).status).toBe(201);
		const keys = (await gateway.kv.list()).keys.map((key) => key.name).sort();
		expect(keys).toEqual([`session:${odd}`, `token:${odd}`]);
	});

	it("is refused without the admin key, with a wrong one, and with a user token", async () => {
		const gateway = await testGateway();
		const userToken = await logIn(gateway);
		for (const headers of [{}, bearer("wrong-key"), bearer(userToken), bearer(`${ADMIN_KEY}x`)]) {
			const response = await gateway.request("/admin/revocations", {
				method: "POST",
				headers: { ...headers, "Content-Type": "application/json" },
				body: JSON.stringify({ sub: "alice" }),
			});
			expect(response.status).toBe(401);
			expect(response.headers.get("WWW-Authenticate")).toContain("Bearer");
		}
		expect((await gateway.kv.list()).keys).toHaveLength(0);
	});
});

describe("GET and DELETE /admin/revocations", () => {
	const admin = { headers: bearer(ADMIN_KEY) };

	it("shows one revocation with when, why, by whom and when it expires", async () => {
		const gateway = await testGateway();
		await adminRevoke(gateway, { sub: "alice", reason: "subscription ended" });
		const response = await gateway.request("/admin/revocations/user/alice", admin);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({
			revocation: {
				kind: "user",
				id: "alice",
				issuer: null,
				revoked_at: new Date(TEST_EPOCH).toISOString(),
				expires_at: new Date(TEST_EPOCH + (30 + 900 + 30) * 1000).toISOString(),
				revoked_by: "admin",
				reason: "subscription ended",
			},
		});
	});

	it("answers 404 for an unknown revocation and for an unknown kind", async () => {
		const gateway = await testGateway();
		expect((await gateway.request("/admin/revocations/user/nobody", admin)).status).toBe(404);
		expect((await gateway.request("/admin/revocations/planet/earth", admin)).status).toBe(404);
	});

	it("reinstates: after DELETE the token works again", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		gateway.clock.advance(1);
		await adminRevoke(gateway, { sub: "alice" });
		expect((await whoami(gateway, token)).status).toBe(401);

		const response = await gateway.request("/admin/revocations/user/alice", {
			...admin,
			method: "DELETE",
		});
		expect(response.status).toBe(200);
		expect((await whoami(gateway, token)).status).toBe(200);
		const again = await gateway.request("/admin/revocations/user/alice", {
			...admin,
			method: "DELETE",
		});
		expect(again.status).toBe(404);
	});

	it("finds ids with slashes and odd characters through a percent-encoded path", async () => {
		const gateway = await testGateway();
		const id = "a/b c?d#e%";
		await adminRevoke(gateway, { sid: id });
		const response = await gateway.request(
			`/admin/revocations/session/${encodeURIComponent(id)}`,
			admin,
		);
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ revocation: { id } });
	});

	it("reaches ids a path cannot carry through ?id=", async () => {
		const gateway = await testGateway();
		for (const id of ["..", ".", "line\nbreak"]) {
			await adminRevoke(gateway, { sid: id });
			const query = `?id=${encodeURIComponent(id)}`;
			const shown = await gateway.request(`/admin/revocations/session${query}`, admin);
			expect(shown.status, id).toBe(200);
			expect(await shown.json()).toMatchObject({ revocation: { id } });
			const removed = await gateway.request(`/admin/revocations/session${query}`, {
				...admin,
				method: "DELETE",
			});
			expect(removed.status, id).toBe(200);
		}
		expect((await gateway.kv.list()).keys).toHaveLength(0);
	});

	it("answers a wrong method with 405 and the methods that are allowed", async () => {
		const gateway = await testGateway();
		const response = await gateway.request("/admin/revocations", { ...admin, method: "PUT" });
		expect(response.status).toBe(405);
		expect(response.headers.get("Allow")).toBe("GET, POST");
		const jwks = await gateway.request("/.well-known/jwks.json", { method: "POST" });
		expect(jwks.status).toBe(405);
		expect(gateway.origin.proxied()).toHaveLength(0);
	});

	it("answers an unknown /.well-known path itself, even with a valid token", async () => {
		const gateway = await testGateway();
		const unknown = await gateway.request("/.well-known/openid-configuration", {
			headers: bearer(await logIn(gateway)),
		});
		expect(unknown.status).toBe(404);
		expect(await unknown.json()).toMatchObject({ error: "not_found" });
		expect(gateway.origin.proxied()).toHaveLength(0);
	});

	it("lists by kind, page by page, until every entry was seen", async () => {
		const gateway = await testGateway();
		const ids = Array.from({ length: 7 }, (_, index) => `session-${index}`);
		for (const sid of ids) {
			await adminRevoke(gateway, { sid });
		}
		await adminRevoke(gateway, { sub: "alice" });

		const seen: string[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const query: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
			const response = await gateway.request(
				`/admin/revocations?kind=session&limit=3${query}`,
				admin,
			);
			expect(response.status).toBe(200);
			const page = (await response.json()) as {
				revocations: { kind: string; id: string; revoked_by: string }[];
				cursor: string | null;
			};
			for (const entry of page.revocations) {
				expect(entry.kind).toBe("session");
				expect(entry.revoked_by).toBe("admin");
				seen.push(entry.id);
			}
			cursor = page.cursor;
			pages++;
		} while (cursor !== null && pages < 10);

		expect(seen.sort()).toEqual(ids.sort());
		expect(pages).toBeGreaterThanOrEqual(3);
	});

	it("lists every kind when no kind is given, and refuses a bad kind or limit", async () => {
		const gateway = await testGateway();
		await adminRevoke(gateway, { sid: "s1" });
		await adminRevoke(gateway, { sub: "alice" });
		const response = await gateway.request("/admin/revocations", admin);
		const page = (await response.json()) as { revocations: { kind: string }[] };
		expect(page.revocations.map((entry) => entry.kind).sort()).toEqual(["session", "user"]);

		for (const query of ["kind=planet", "limit=0", "limit=5000", "limit=abc", "issuer=idp"]) {
			const bad = await gateway.request(`/admin/revocations?${query}`, admin);
			expect(bad.status).toBe(400);
		}
	});
});
