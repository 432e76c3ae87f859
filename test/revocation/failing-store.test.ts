import { describe, expect, it } from "vitest";
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

	it("answers 503 store_unavailable when every attempt fails, never a false success", async () => {
		const store = kvDouble({ failingWrites: Number.POSITIVE_INFINITY, writeError: "outage" });
		const gateway = await testGateway({ kv: store.kv });
		const token = await logIn(gateway);
		gateway.clock.advance(1);

		const response = await adminRevoke(gateway, { sub: "alice" });
		expect(response.status).toBe(503);
		expect(await response.json()).toMatchObject({ error: "store_unavailable" });
		expect(store.puts).toHaveLength(0);

		const logout = await gateway.request("/auth/logout", {
			method: "POST",
			headers: bearer(token),
		});
		expect(logout.status).toBe(503);
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
});
