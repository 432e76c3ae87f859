import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: "workers" runs the unit and route tests inside workerd with the real KV binding
// from wrangler.toml; "e2e" runs in Node and drives the real local stack (`npm start`) over
// loopback. Secrets here are test-only values, never used outside this suite.
export default defineConfig({
	test: {
		projects: [
			{
				plugins: [
					cloudflareTest({
						wrangler: { configPath: "./wrangler.toml" },
						miniflare: {
							bindings: {
								GATEWAY_ENVIRONMENT: "development",
								SIGNING_KEY: "test-signing-key-that-is-at-least-32-bytes-long",
								ADMIN_API_KEY: "test-admin-key-that-is-at-least-32-characters",
								ORIGIN_ASSERTION_SECRET: "test-origin-assertion-secret-of-32-bytes-or-more",
							},
						},
					}),
				],
				test: {
					name: "workers",
					include: ["test/**/*.test.ts"],
					exclude: ["test/e2e/**"],
					setupFiles: ["test/support/reset-storage.ts"],
				},
			},
			{
				test: {
					name: "e2e",
					include: ["test/e2e/**/*.test.ts"],
					environment: "node",
					// Each file starts its own stack of two wrangler dev processes; one at a time.
					fileParallelism: false,
					testTimeout: 120_000,
					hookTimeout: 180_000,
				},
			},
		],
	},
});
