import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "./local-stack";

// The README's walkthrough, driven over HTTP against the real local stack that `npm start` runs:
// wrangler dev for the gateway with local KV, and wrangler dev for the example origin.
const ADMIN_KEY = "example-admin-key-for-local-development-only";

let stack: LocalStack;

beforeAll(async () => {
	stack = await startLocalStack();
});

afterAll(async () => {
	await stack?.stop();
});

async function call(path: string, init: RequestInit = {}) {
	const response = await fetch(`${stack.gatewayUrl}${path}`, init);
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

async function logIn(username = "alice", password = "wonderland"): Promise<string> {
	const { status, body } = await call("/auth/login", {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ username, password }),
	});
	expect(status).toBe(200);
	return body.access_token;
}

function revoke(body: unknown) {
	return call("/admin/revocations", {
		method: "POST",
		headers: { Authorization: `Bearer ${ADMIN_KEY}`, "Content-Type": "application/json" },
		body: JSON.stringify(body),
	});
}

const whoami = (token: string) =>
	call("/api/whoami", { headers: { Authorization: `Bearer ${token}` } });

describe("the local stack, over HTTP", () => {
	it("logs in, calls the API, deactivates the user, refuses the token, logs in again", async () => {
		const token = await logIn();
		const before = await whoami(token);
		expect(before.status).toBe(200);
		expect(before.body).toMatchObject({ sub: "alice" });

		const revoked = await revoke({ sub: "alice", reason: "subscription ended" });
		expect(revoked.status).toBe(201);

		const after = await whoami(token);
		expect(after.status).toBe(401);
		expect(after.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');

		const fresh = await logIn();
		expect((await whoami(fresh)).status).toBe(200);
	});

	it("revokes one token, a session, and logs out", async () => {
		const byJti = await logIn("bob", "builder");
		const payload = JSON.parse(Buffer.from(byJti.split(".")[1] ?? "", "base64url").toString());
		expect((await revoke({ jti: payload.jti })).status).toBe(201);
		expect((await whoami(byJti)).status).toBe(401);

		const whole = await logIn("bob", "builder");
		expect((await revoke({ token: whole })).status).toBe(201);
		expect((await whoami(whole)).status).toBe(401);

		const session = await logIn("bob", "builder");
		const sid = JSON.parse(Buffer.from(session.split(".")[1] ?? "", "base64url").toString()).sid;
		expect((await revoke({ sid })).status).toBe(201);
		expect((await whoami(session)).status).toBe(401);

		const own = await logIn("bob", "builder");
		const logout = await call("/auth/logout", {
			method: "POST",
			headers: { Authorization: `Bearer ${own}` },
		});
		expect(logout.status).toBe(200);
		expect((await whoami(own)).status).toBe(401);
	});

	it("serves public paths without a token and refuses a wrong password", async () => {
		expect((await call("/public/hello")).status).toBe(200);
		const wrong = await call("/auth/login", {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ username: "alice", password: "nope" }),
		});
		expect(wrong.status).toBe(401);
	});

	it("writes a JSON log line per request, without tokens or passwords", async () => {
		const token = await logIn();
		await whoami(token);
		const lines = stack
			.output()
			.split("\n")
			.filter((line) => line.includes('"event":"request"'));
		expect(lines.length).toBeGreaterThan(0);
		expect(stack.output()).not.toContain(token.split(".")[2]);
		expect(stack.output()).not.toContain("wonderland");
	});
});
