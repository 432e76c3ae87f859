// Every worker the benchmark runs: what it is built from and how it is configured. The load
// targets are the first four; the others only serve the cost breakdown and micro-benchmarks.

/**
 * @typedef {object} BenchWorker
 * @property {string} name
 * @property {string} entry      entry module, relative to the repository
 * @property {string} [config]   wrangler configuration for bundling; the repository's by default
 * @property {"origin" | "gateway" | "peer" | "probe"} settings  which bindings it gets: the
 *   gateway's full settings, the peers' four (secret, origin, issuer, audience), or none
 * @property {boolean} [kv]      whether it binds the shared REVOCATIONS namespace
 * @property {Record<string, string>} [bindings]  extra bindings
 * @property {boolean} [fullRunOnly]  left out of the smoke run
 * @property {string} describe   one line for the report
 */

/** @type {BenchWorker[]} */
export const BENCH_WORKERS = [
	{
		name: "origin",
		entry: "examples/origin/src/index.ts",
		config: "examples/origin/wrangler.toml",
		settings: "origin",
		describe: "the example origin alone (no gateway in front)",
	},
	{
		name: "verify-only-peer",
		entry: "bench/workers/verify-only-peer.ts",
		settings: "peer",
		describe: "Hono `jwt` middleware + Hono `proxy` helper, no revocation",
	},
	{
		name: "naive-revocation-peer",
		entry: "bench/workers/naive-revocation-peer.ts",
		settings: "peer",
		kv: true,
		describe: "the verify-only peer + one KV `get` per revocation key, in sequence",
	},
	{
		name: "gateway",
		entry: "bench/workers/counted-gateway.ts",
		settings: "gateway",
		kv: true,
		describe: "this gateway (src/index.ts) with its KV binding counted",
	},
	{
		name: "gateway-no-revocation-check",
		entry: "bench/workers/gateway-ablation.ts",
		settings: "gateway",
		kv: true,
		bindings: { BENCH_ABLATION: "no-revocation-check" },
		fullRunOnly: true,
		describe: "the gateway with the revocation check switched off",
	},
	{
		name: "gateway-no-kv-reads",
		entry: "bench/workers/gateway-ablation.ts",
		settings: "gateway",
		kv: true,
		bindings: { BENCH_ABLATION: "no-kv-reads" },
		fullRunOnly: true,
		describe: "the gateway whose check never reads KV (as if every answer were cached)",
	},
	{
		name: "gateway-no-console-output",
		entry: "bench/workers/gateway-ablation.ts",
		settings: "gateway",
		kv: true,
		bindings: { BENCH_ABLATION: "no-console-output" },
		fullRunOnly: true,
		describe: "the gateway with its request log line built but not written",
	},
	{
		name: "gateway-no-origin-assertion",
		entry: "bench/workers/gateway-ablation.ts",
		settings: "gateway",
		kv: true,
		bindings: { BENCH_ABLATION: "no-origin-assertion" },
		fullRunOnly: true,
		describe: "the gateway sending a dummy instead of its signed origin assertion",
	},
	{
		name: "verification-cost",
		entry: "bench/workers/verification-cost.ts",
		settings: "probe",
		describe: "verifies one token in a loop, per algorithm",
	},
	{
		name: "kv-probe",
		entry: "bench/workers/kv-probe.ts",
		settings: "probe",
		kv: true,
		describe: "fills KV with revocations and times bulk reads",
	},
	{
		name: "revocation-check-probe",
		entry: "bench/workers/revocation-check-probe.ts",
		settings: "probe",
		describe: "runs the revocation check with every answer cached",
	},
	{
		name: "lookup-cache-probe",
		entry: "bench/workers/lookup-cache-probe.ts",
		settings: "probe",
		describe: "exercises the revocation cache at a given size",
	},
];

export const ORIGIN = "origin";
export const VERIFY_ONLY = "verify-only-peer";
export const NAIVE = "naive-revocation-peer";
export const GATEWAY = "gateway";

/** The load targets of the side-by-side table, in the order the table lists them. */
export const LOAD_TARGETS = [ORIGIN, VERIFY_ONLY, NAIVE, GATEWAY];

/** Gateway variants with one part switched off; their difference to the gateway is its cost. */
export const ABLATION_TARGETS = [
	"gateway-no-revocation-check",
	"gateway-no-kv-reads",
	"gateway-no-console-output",
	"gateway-no-origin-assertion",
];

/** The workers of a run: all of them, or those the smoke run needs. */
export function workersFor(smoke) {
	return BENCH_WORKERS.filter((worker) => !(smoke && worker.fullRunOnly));
}
