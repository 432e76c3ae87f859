import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createJsonLogger } from "../../src/http/logger";
import { DEFAULT_RETRY_POLICY, RevocationStore } from "../../src/revocation/store";
import { frozenClock, TEST_EPOCH } from "../support/clock";
import { adminRevoke, bearer, logIn, testGateway } from "../support/gateway";
import { kvDouble } from "../support/kv-doubles";

describe("a failing revocation store", () => {
	it("retries a rate-limited write and reports success only once it is stored", async () => {
		const store = kvDouble({ failingWrites: 2, writeError: "rate_limited" });
		const gateway = await testGateway({ kv: store.kv });
		const response = await adminRevoke(gateway, { sub: "alice" });
		expect(response.status).toBe(201);
		expect(store.puts).toHaveLength(1);
		const retries = gateway.logs.entries().filter((e) => e.event === "revocation_write_failed");
		expect(retries).toHaveLength(2);
	});

	it("retries a cut-off with the instant of the retry, so it can never move back", async () => {
		// The first write is refused as KV refuses a second write to a key within a second: another
		// revocation of the same user may just have been stored with a later instant.
		const clock = frozenClock();
		const written: string[] = [];
		let refused = false;
		const kv = new Proxy(env.REVOCATIONS, {
			get(target, name) {
				if (name === "put") {
					return async (key: string, value: string, options: KVNamespacePutOptions) => {
						if (!refused) {
							refused = true;
							clock.advance(700);
							throw new Error("KV PUT failed: 429 Too Many Requests");
						}
						written.push(value);
						return target.put(key, value, options);
					};
				}
				const member = Reflect.get(target, name);
				return typeof member === "function" ? member.bind(target) : member;
			},
		});
		const gateway = await testGateway({ kv, clock });

		const response = await adminRevoke(gateway, { sub: "alice" });
		expect(response.status).toBe(201);
		expect(written).toEqual([String(TEST_EPOCH + 700)]);
		expect(await response.json()).toMatchObject({
			revocation: { revoked_at: new Date(TEST_EPOCH + 700).toISOString() },
		});
	});

	it("answers 503 store_unavailable when every attempt fails, never a false success", async () => {
		const store = kvDouble({ failingWrites: Number.POSITIVE_INFINITY, writeError: "outage" });
		const gateway = await testGateway({ kv: store.kv });
		const token = await logIn(gateway);
		gateway.clock.advance(1);

		const response = await adminRevoke(gateway, { sub: "alice" });
		expect(response.status).toBe(503);
		expect(await response.json()).toMatchObject({ error: "store_unavailable" });
		expect(store.puts).toHaveLength(0);
		const attempts = gateway.logs.entries().filter((e) => e.event === "revocation_write_failed");
		expect(attempts.map((e) => e.attempt)).toEqual([1, 2, 3]);
		expect(await gateway.request("/api/whoami", { headers: bearer(token) })).toHaveProperty(
			"status",
			200,
		);

		const logout = await gateway.request("/auth/logout", {
			method: "POST",
			headers: bearer(token),
		});
		expect(logout.status).toBe(503);
	});

	it("answers 503 to a reinstatement KV did not confirm, and the revocation stays", async () => {
		await env.REVOCATIONS.put("user:alice", String(TEST_EPOCH), {
			metadata: { revokedAt: TEST_EPOCH, expiresAt: null, revokedBy: "admin" },
		});
		const store = kvDouble({ failingWrites: Number.POSITIVE_INFINITY, writeError: "outage" });
		const gateway = await testGateway({ kv: store.kv });
		const response = await gateway.request("/admin/revocations/user/alice", {
			method: "DELETE",
			headers: bearer("test-admin-key-that-is-at-least-32-characters"),
		});
		expect(response.status).toBe(503);
		expect(await response.json()).toMatchObject({ error: "store_unavailable" });
		expect(await env.REVOCATIONS.get("user:alice")).toBe(String(TEST_EPOCH));
	});

	it("fails closed by default when the check cannot read KV", async () => {
		const gateway = await testGateway({ kv: kvDouble({ failReads: true }).kv });
		const token = await logIn(gateway);
		const response = await gateway.request("/api/whoami", { headers: bearer(token) });
		expect(response.status).toBe(503);
		expect(await response.json()).toMatchObject({ error: "store_unavailable" });
		expect(gateway.origin.proxied()).toHaveLength(0);
		expect(gateway.logs.entries().some((e) => e.event === "revocation_read_failed")).toBe(true);
	});

	it("fails open when REVOCATION_READ_FAILURE=open, and logs that it did", async () => {
		const gateway = await testGateway({
			kv: kvDouble({ failReads: true }).kv,
			settings: { REVOCATION_READ_FAILURE: "open" },
		});
		const token = await logIn(gateway);
		const response = await gateway.request("/api/whoami", { headers: bearer(token) });
		expect(response.status).toBe(200);
		expect(gateway.logs.entries().some((e) => e.event === "revocation_check_skipped")).toBe(true);
	});

	it("answers admin reads with 503 when KV cannot be read", async () => {
		const gateway = await testGateway({ kv: kvDouble({ failReads: true }).kv });
		const admin = { headers: bearer("test-admin-key-that-is-at-least-32-characters") };
		expect((await gateway.request("/admin/revocations", admin)).status).toBe(503);
		expect((await gateway.request("/admin/revocations/user/alice", admin)).status).toBe(503);
	});

	it("waits 250, 500 and 1000 ms between the four attempts of the production policy", async () => {
		const waits: number[] = [];
		const store = new RevocationStore(
			kvDouble({ failingWrites: Number.POSITIVE_INFINITY, writeError: "rate_limited" }).kv,
			createJsonLogger(() => {}),
			{
				...DEFAULT_RETRY_POLICY,
				sleep: async (milliseconds) => {
					waits.push(milliseconds);
				},
			},
		);
		const entry = { value: "1", metadata: { revokedAt: 1, expiresAt: null, revokedBy: "admin" } };
		await expect(
			store.write("user:alice", () => ({ ...entry, expirationTtl: 60 })),
		).rejects.toMatchObject({ code: "store_unavailable" });
		expect(waits).toEqual([250, 500, 1000]);
	});
});
