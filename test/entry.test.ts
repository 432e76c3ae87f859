import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EXAMPLE_SECRETS } from "../src/config/settings";
import worker from "../src/index";

describe("the worker entry", () => {
	it("serves with the settings of wrangler.toml", async () => {
		const response = await exports.default.fetch("https://gateway.test/.well-known/jwks.json");
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ keys: [] });
		expect(response.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
	});

	it("refuses to serve in production with the example secrets, and says which", async () => {
		const deployedWithExamples = { ...env, ...EXAMPLE_SECRETS, GATEWAY_ENVIRONMENT: "production" };
		const response = await worker.fetch(
			new Request("https://gateway.test/public/hello"),
			deployedWithExamples,
			createExecutionContext(),
		);
		expect(response.status).toBe(503);
		const body = (await response.json()) as { error: string; error_description: string };
		expect(body.error).toBe("gateway_misconfigured");
		expect(body.error_description).toContain("SIGNING_KEY");
		expect(body.error_description).not.toContain(EXAMPLE_SECRETS.SIGNING_KEY);
	});

	it("refuses to serve without a setting, naming it", async () => {
		const { TOKEN_ISSUER: _omitted, ...withoutIssuer } = env;
		const response = await worker.fetch(
			new Request("https://gateway.test/api/whoami"),
			withoutIssuer as Env,
			createExecutionContext(),
		);
		expect(response.status).toBe(503);
		expect(await response.json()).toMatchObject({
			error_description: expect.stringContaining("TOKEN_ISSUER is not set"),
		});
	});
});
