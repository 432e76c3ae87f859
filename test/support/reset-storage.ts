import { reset } from "cloudflare:test";
import { afterEach } from "vitest";

// Each test starts with empty KV, so a revocation made by one test cannot refuse another's token.
afterEach(async () => {
	await reset();
});
