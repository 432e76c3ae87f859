// `npm run bench`: the side-by-side benchmark of the gateway against a verify-only peer and a
// naive revocation peer, under Miniflare on loopback, plus the micro-benchmarks. Writes
// bench/results.md and bench/results.json. `npm run bench -- --smoke` (or BENCH_SMOKE=1) is a
// short run that proves the benchmark still works; it writes under bench/.tmp/ instead, so it
// never overwrites the committed results. `--render-only` writes bench/results.md again from
// bench/results.json after a change to the report's layout. See README.md, "Performance".

import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startBenchStack } from "./lib/bench-stack.mjs";
import { prepareTraffic } from "./lib/benchmark-traffic.mjs";
import { bundleWorkers } from "./lib/bundle-workers.mjs";
import { runConsistencyChecks } from "./lib/consistency-checks.mjs";
import { runInterleavedRounds } from "./lib/interleaved-rounds.mjs";
import { currentLoad, describeMachine } from "./lib/machine-description.mjs";
import { runMicroBenchmarks } from "./lib/micro-benchmarks.mjs";
import { measureKvLookupScaling } from "./lib/micro-revocation-scaling.mjs";
import { profileUnderLoad } from "./lib/profile-under-load.mjs";
import { renderReport, sideBySideTable } from "./lib/report-markdown.mjs";
import { runPlan } from "./lib/run-plan.mjs";
import { evaluateTargets, runFailures, summariseLoad } from "./lib/summarise.mjs";
import {
	ABLATION_TARGETS,
	GATEWAY,
	LOAD_TARGETS,
	NAIVE,
	VERIFY_ONLY,
	workersFor,
} from "./lib/worker-catalog.mjs";

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const benchDirectory = path.join(repositoryRoot, "bench");
const scratchDirectory = path.join(benchDirectory, ".tmp");

const smoke = process.argv.includes("--smoke") || process.env.BENCH_SMOKE === "1";
const plan = runPlan(smoke);

function progress(message) {
	console.log(`bench: ${message}`);
}

/**
 * Ctrl-C or a SIGTERM stops whatever runs (the bundlers, then every workerd) before exiting, so
 * an interrupted benchmark leaves no process behind.
 */
function stopEverythingOnSignal() {
	const interrupted = new AbortController();
	const running = { stack: undefined };
	for (const signal of ["SIGINT", "SIGTERM"]) {
		process.once(signal, () => {
			progress(`${signal}: stopping every process the benchmark started`);
			interrupted.abort();
			void (running.stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
		});
	}
	return { signal: interrupted.signal, running };
}

/** The report and the raw figures; the smoke run keeps them apart from the committed ones. */
function writeResults(results) {
	const outDirectory = smoke ? scratchDirectory : benchDirectory;
	const baseName = smoke ? "smoke-results" : "results";
	mkdirSync(outDirectory, { recursive: true });
	const jsonPath = path.join(outDirectory, `${baseName}.json`);
	writeFileSync(jsonPath, `${JSON.stringify(results, null, "\t")}\n`);
	writeFileSync(path.join(outDirectory, `${baseName}.md`), renderReport(results));

	console.log(`\n${sideBySideTable(results.load, results.targetNames)}\n`);
	for (const { target, measured, verdict } of results.targets) {
		console.log(`${verdict.padEnd(12)} ${target}: ${measured}`);
	}
	progress(`wrote ${path.relative(repositoryRoot, jsonPath).replace(/json$/, "{md,json}")}`);
}

async function main() {
	const loadBefore = currentLoad();
	const { signal, running } = stopEverythingOnSignal();
	const workers = workersFor(smoke);
	const ablations = smoke ? [] : ABLATION_TARGETS;
	progress(`${smoke ? "smoke" : "full"} run; bundling ${workers.length} workers with wrangler`);
	const buildDirectory = path.join(scratchDirectory, "build");
	const bundles = await bundleWorkers(repositoryRoot, buildDirectory, workers, signal);

	// Secrets of this run only; the gateway runs with GATEWAY_ENVIRONMENT=production from
	// wrangler.toml, which refuses the published example secrets.
	const secrets = {
		SIGNING_KEY: randomBytes(48).toString("base64url"),
		ADMIN_API_KEY: randomBytes(48).toString("base64url"),
		ORIGIN_ASSERTION_SECRET: randomBytes(48).toString("base64url"),
		PREVIOUS_VERIFICATION_KEYS: "[]",
		// Every path needs a token, so that all targets do the same: verify, then forward to the
		// same origin route. That route is /public/hello, which the example origin serves without
		// checking the gateway's assertion (its /api/* would refuse the peers, which send none);
		// the gateway still signs one for every request, as it always does.
		ROUTES: JSON.stringify([{ path: "/*", auth: "required" }]),
	};
	progress("starting the origin and the workers under Miniflare");
	const stack = await startBenchStack({ repositoryRoot, workers, bundles, secrets });
	running.stack = stack;

	try {
		// First, while KV holds nothing else: it also leaves the filler revocations in place.
		progress(`KV lookups with ${plan.kvSizes.join(", ")} revocations stored`);
		const kvLookups = await measureKvLookupScaling({
			probeUrl: stack.urls["kv-probe"],
			workerdPid: stack.workerdPids.workers,
			sizes: plan.kvSizes,
			minimumWallMs: plan.microMinimumWallMs,
			repeats: plan.microRepeats,
		});

		progress(`minting tokens for ${plan.users} users and revoking some through the admin API`);
		const traffic = await prepareTraffic({ stack, plan });
		const { tokens, sequence } = traffic;

		progress("consistency checks");
		const checks = await runConsistencyChecks({
			stack,
			tokens,
			mintFreshToken: traffic.mintFreshToken,
			smoke,
		});

		const rounds = await runInterleavedRounds({
			stack,
			targets: LOAD_TARGETS,
			ablations,
			countsKv: (target) => target === NAIVE || target.startsWith(GATEWAY),
			plan,
			tokens,
			sequence,
			progress,
		});

		const profiles = [];
		if (plan.profileSeconds > 0) {
			for (const target of [VERIFY_ONLY, "gateway-no-console-output"]) {
				progress(`profiling ${target}`);
				profiles.push(await profileUnderLoad({ stack, bundles, target, plan, tokens, sequence }));
			}
		}

		const { verification, cachedCheck, cache } = await runMicroBenchmarks({
			stack,
			plan,
			progress,
		});

		const load = summariseLoad(rounds, LOAD_TARGETS, ablations);
		writeResults({
			context: {
				mode: smoke ? "smoke" : "full",
				finishedAt: new Date().toISOString(),
				plan,
				workload: traffic.workload,
				machine: describeMachine(repositoryRoot, loadBefore),
			},
			targetNames: LOAD_TARGETS,
			ablations,
			load,
			targets: evaluateTargets({ load, checks, cacheScaling: cache }),
			checks,
			profiles,
			verification,
			scaling: { kvLookups, cache, cachedCheck },
			rounds,
		});

		const failures = runFailures({ checks, cache, rounds });
		for (const failure of failures) {
			console.error(`bench: ${failure}`);
		}
		if (failures.length > 0) {
			process.exitCode = 1;
		}
	} finally {
		await stack.stop();
	}
}

/** `--render-only`: writes bench/results.md again from bench/results.json, without a run. */
function renderOnly() {
	const results = JSON.parse(readFileSync(path.join(benchDirectory, "results.json"), "utf8"));
	writeFileSync(path.join(benchDirectory, "results.md"), renderReport(results));
	console.log(sideBySideTable(results.load, results.targetNames));
}

if (process.argv.includes("--render-only")) {
	renderOnly();
} else {
	main().catch((error) => {
		console.error(`bench: ${error.stack ?? error}`);
		process.exitCode = 1;
	});
}
