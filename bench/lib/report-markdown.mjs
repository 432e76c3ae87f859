// Renders the results as Markdown: bench/results.md, and the terminal's summary.

import {
	describeWorker,
	megabytes,
	number,
	ratio,
	sideBySideTable,
	table,
	targetsTable,
	unloadedTable,
} from "./report-tables.mjs";
import { GATEWAY } from "./worker-catalog.mjs";

export { sideBySideTable } from "./report-tables.mjs";

function ablationSection(load, ablations) {
	if (ablations.length === 0) {
		return "";
	}
	const gatewayCpu = load.ablation[GATEWAY].median.cpuMsPerRequest;
	const rows = [GATEWAY, ...ablations].map((name) => {
		const { median, ratio: ratios } = load.ablation[name];
		const saved = gatewayCpu - median.cpuMsPerRequest;
		return [
			`\`${name}\``,
			describeWorker(name),
			number(median.cpuMsPerRequest, 3),
			name === GATEWAY ? "–" : number(saved, 3),
			ratio(ratios.requestsPerSecond),
			number(median.kvReadsPerRequest, 3),
		];
	});
	return [
		"### Cost of each part (the gateway with one part switched off)",
		"",
		"Same interleaved rounds and load as above. *Saved* is what the part costs: the gateway's",
		"workerd CPU per request minus the variant's.",
		"",
		table(
			[
				"variant",
				"what is off",
				"workerd CPU ms/req",
				"saved ms/req",
				"req/s × gateway",
				"KV reads/req",
			],
			rows,
		),
	].join("\n");
}

function profileSection(profiles) {
	if (profiles === undefined || profiles.length === 0) {
		return "";
	}
	const rowsOf = (entries, requests, limit) =>
		entries
			.slice(0, limit)
			.map((entry) => [
				entry.name,
				number(entry.microseconds / requests, 1),
				`${number(entry.share * 100, 1)}%`,
			]);
	const parts = profiles.map(({ target, requests, busyMicroseconds, groups, functions }) =>
		[
			`**\`${target}\`**: ${number(busyMicroseconds / requests, 1)} µs sampled per request`,
			"",
			table(
				["module (or the built-in, under the module calling it)", "µs/request", "share"],
				rowsOf(
					groups.filter((group) => group.share >= 0.01),
					requests,
					20,
				),
			),
			"",
			table(["busiest functions", "µs/request", "share"], rowsOf(functions, requests, 12)),
		].join("\n"),
	);
	return [
		"### Where the time goes (V8 sampling profile under the same load)",
		"",
		"Self time from workerd's inspector, every 100 µs, by module and by function;",
		"`(program)` is the runtime outside JavaScript (HTTP, I/O), `(runtime) › …` runtime code",
		"not called from the bundle. Under load each step costs several times what it costs in a",
		"tight loop (the micro-benchmarks below), as every request brings its own cache misses. An",
		"attached inspector makes `console.log` far costlier than it is, so the gateway is profiled",
		"with its console output switched off; that output's cost is measured above instead.",
		"",
		parts.join("\n\n"),
	].join("\n");
}

function verificationSection(verification) {
	const reference = verification.find((row) => row.verifier === "HS256-jose-raw-secret");
	const referenceCost = reference?.cpuMicroseconds ?? reference?.wallMicroseconds;
	return [
		"## CPU time per verification, by algorithm (inside workerd)",
		"",
		"One gateway-shaped token verified in a loop by jose's `jwtVerify` with algorithm, issuer,",
		"audience and required claims pinned; timed from outside (workerd CPU from /proc, wall",
		"clock), minus an empty request.",
		"",
		table(
			["verifier", "µs CPU", "µs wall", "× the gateway's HS256"],
			verification.map((row) => {
				const cost = row.cpuMicroseconds ?? row.wallMicroseconds;
				return [
					row.describe,
					number(row.cpuMicroseconds, 1),
					number(row.wallMicroseconds, 1),
					ratio(cost / referenceCost),
				];
			}),
		),
	].join("\n");
}

function scalingSection({ kvLookups, cache, cachedCheck }, cacheMaxEntries) {
	const cachedCheckCpu = cachedCheck.cpuMicroseconds ?? cachedCheck.wallMicroseconds;
	const largest = cache.at(-1);
	const perEntry = largest.heapBytesPerEntry;
	const defaultBound = Number(cacheMaxEntries);
	return [
		"## Growth with the number of revocations",
		"",
		"The check never loads the revocation list. Per request it builds at most four keys",
		"(token, user, session, signing key), looks them up in the isolate's cache and reads the",
		"missing ones from KV in one bulk read. So its cost depends on how many keys a token",
		"has, not on how many revocations exist; what grows is KV's index, and the cache, which",
		"`REVOCATION_CACHE_MAX_ENTRIES` bounds.",
		"",
		"With every answer cached, the whole check (`Revocations.assertNotRevoked`: keys, four " +
			`cache lookups, the rules) costs ${number(cachedCheckCpu, 1)} µs of CPU per request ` +
			`inside workerd, in a tight loop (${number(cachedCheck.wallMicroseconds, 1)} µs wall).`,
		"",
		"**One bulk KV read (four keys, one of them stored) against the local KV store:**",
		"",
		table(
			["revocations in KV", "µs CPU per read", "µs wall per read", "seeding took s"],
			kvLookups.map((row) => [
				String(row.storedEntries),
				number(row.cpuMicroseconds, 0),
				number(row.wallMicroseconds, 0),
				number(row.seedingSeconds, 1),
			]),
		),
		"",
		"One million entries are not written here (about an hour at the local store's write rate).",
		"Locally KV is an SQLite index, whose lookups grow with the logarithm of its size, flat",
		"over the sizes above; in production a KV read is a keyed lookup whose latency Cloudflare",
		"documents as independent of the namespace's size (hot reads 0.5–10 ms). Either way the",
		"gateway makes the same single read per uncached request, whatever KV holds.",
		"",
		"**The in-isolate cache (src/revocation/lookup-cache.ts) inside workerd:**",
		"",
		table(
			[
				"entries",
				"heap bytes/entry",
				"heap in all",
				"µs per hit",
				"µs per insert at the bound",
				"size after inserts",
			],
			cache.map((row) => [
				String(row.entries),
				row.entries >= 1000 ? number(row.heapBytesPerEntry, 0) : "–",
				megabytes(row.heapBytes),
				number(row.hitMicroseconds, 2),
				number(row.insertMicroseconds, 2),
				`${row.sizeAfterInserts} (bound ${row.entries})`,
			]),
		),
		"",
		`At the default bound of ${defaultBound} entries the cache holds about ` +
			`${megabytes(perEntry * defaultBound)}; at the setting's maximum of 1,000,000 about ` +
			`${megabytes(perEntry * 1_000_000)}, of the 128 MB an isolate may use. A hit or an insert ` +
			"is one Map operation and never a scan; it grows only as the table outgrows the CPU's " +
			"caches. The keys are built per call, as the gateway builds them per request.",
	].join("\n");
}

function checksSection(checks) {
	return [
		"## Consistency checks (run before the load, against the running gateway)",
		"",
		...checks.map((check) => {
			const mark = check.passed === undefined ? "observed" : check.passed ? "passed" : "FAILED";
			return `- **${mark}**: ${check.name}. ${check.detail}.`;
		}),
	].join("\n");
}

function contextSection(context) {
	const { plan, workload, machine } = context;
	return [
		`Run of ${context.finishedAt} (${context.mode} mode), ` +
			`${machine.cpus} × ${machine.cpuModel}, ` +
			`load average ${machine.loadBefore} before and ${machine.loadAfter} after; Node ` +
			`${machine.node}, Miniflare ${machine.miniflare}, wrangler ${machine.wrangler}, ` +
			`autocannon ${machine.autocannon}.`,
		"",
		`Load: autocannon, ${plan.connections} connections, pipelining 1, ${plan.warmupSeconds} s ` +
			`warm-up then ${plan.durationSeconds} s measured, per target and round; ${plan.rounds} ` +
			"rounds, interleaved, each in a rotated order. Figures are medians over the rounds; each " +
			"ratio is the median of the per-round ratios to the verify-only peer. Every request is " +
			`\`GET ${plan.path}\` on the example origin, through the target.`,
		"",
		`Traffic: ${workload.users} users with 1–${workload.maxSessionsPerUser} sessions each ` +
			`(${workload.tokens} tokens), requests spread over them by a Zipf law (exponent ` +
			`${workload.zipfExponent}): ${workload.distinctTokensPer10k} distinct tokens per 10,000 ` +
			`requests. ${workload.revocations} revocations through the admin API (users, sessions, ` +
			`tokens) cover ${number(workload.revokedShare * 100, 1)}% of the requests, and KV also ` +
			`holds ${workload.fillerRevocations} other revocations. Cache settings as in ` +
			`wrangler.toml: REVOCATION_CACHE_SECONDS=${workload.cacheSeconds}, ` +
			`REVOCATION_CACHE_MAX_ENTRIES=${workload.cacheMaxEntries}.`,
	].join("\n");
}

/** The whole report. */
export function renderReport(results) {
	const { context, load, targets, ablations } = results;
	return [
		"# Benchmark results",
		"",
		"Generated by `npm run bench` (bench/run.mjs); bench/results.json holds every figure and",
		"every round. Absolute numbers depend on the machine and on whatever else ran on it; the",
		"ratios, measured side by side in one run, are what to compare.",
		"",
		contextSection(context),
		"",
		"## Side by side, as fast as each target answers",
		"",
		sideBySideTable(load, results.targetNames),
		"",
		"`workerd CPU` is the CPU time of the workerd process that runs the target, per request",
		"(it includes the local KV store, which runs in the same process).",
		"",
		"## Latency without a queue (one connection)",
		"",
		`One connection, one request at a time, ${context.plan.unloadedSeconds} s per target and ` +
			"round, after a warm-up on one connection: every request finds the target idle, so its " +
			"latency is the work it causes. Saturated latency (above) only mirrors throughput " +
			"(connections ÷ throughput); this is the latency comparison.",
		"",
		unloadedTable(load, results.targetNames),
		"",
		"## Targets",
		"",
		targetsTable(targets),
		"",
		"## What the gateway's cost is made of",
		"",
		ablationSection(load, ablations),
		"",
		profileSection(results.profiles),
		"",
		verificationSection(results.verification),
		"",
		scalingSection(results.scaling, results.context.workload.cacheMaxEntries),
		"",
		checksSection(results.checks),
		"",
	]
		.join("\n")
		.replace(/\n{3,}/g, "\n\n");
}
