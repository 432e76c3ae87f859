// Turns the raw runs into the figures of the report: medians over rounds, ratios within rounds.

import { GATEWAY, NAIVE, VERIFY_ONLY } from "./worker-catalog.mjs";

export function median(values) {
	const present = values.filter((value) => value !== undefined && Number.isFinite(value));
	if (present.length === 0) {
		return undefined;
	}
	const sorted = present.sort((left, right) => left - right);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function perRequest(run, amount) {
	return amount === undefined || run.requests === 0 ? undefined : amount / run.requests;
}

/** The figures of one run that the report compares. */
function figuresOf(run) {
	const refused = run.statusCounts["401"] ?? 0;
	return {
		requestsPerSecond: run.requestsPerSecond,
		latencyP50Ms: run.latencyP50Ms,
		latencyP99Ms: run.latencyP99Ms,
		cpuMsPerRequest: perRequest(run, run.cpuMs),
		kvReadsPerRequest: perRequest(run, run.kv?.reads),
		kvKeysPerRequest: perRequest(run, run.kv?.keysRead),
		refusedShare: perRequest(run, refused),
		logLinesPerRequest: perRequest(run, run.logLines),
		failures: run.errors + run.timeouts,
	};
}

const FIGURES = Object.keys(figuresOf({ requests: 1, statusCounts: {}, errors: 0, timeouts: 0 }));

/**
 * For each target: the median of each figure over the rounds, and the median over the rounds
 * of its ratio to `reference` in the same round.
 */
function summariseKind(rounds, kind, names, reference) {
	const summary = {};
	for (const name of names) {
		const perRound = rounds.map((round) => figuresOf(round[kind][name]));
		const referencePerRound = rounds.map((round) => figuresOf(round[kind][reference]));
		const entry = { median: {}, ratio: {}, rounds: perRound };
		for (const figure of FIGURES) {
			entry.median[figure] = median(perRound.map((figures) => figures[figure]));
			entry.ratio[figure] = median(
				perRound.map((figures, index) => figures[figure] / referencePerRound[index][figure]),
			);
		}
		summary[name] = entry;
	}
	return summary;
}

/** Medians and ratios of the load runs, and the ratios the targets are stated in. */
export function summariseLoad(rounds, targets, ablations) {
	const saturated = summariseKind(rounds, "saturated", targets, VERIFY_ONLY);
	const unloaded = summariseKind(rounds, "unloaded", targets, VERIFY_ONLY);
	const ablation = summariseKind(rounds, "saturated", [GATEWAY, ...ablations], GATEWAY);
	const gatewayOverNaive = median(
		rounds.map(
			(round) =>
				round.saturated[GATEWAY].requestsPerSecond / round.saturated[NAIVE].requestsPerSecond,
		),
	);
	const gatewayRuns = rounds.flatMap((round) => [
		round.saturated[GATEWAY],
		round.unloaded[GATEWAY],
	]);
	const totalRequests = gatewayRuns.reduce((sum, run) => sum + run.requests, 0);
	const totalReads = gatewayRuns.reduce((sum, run) => sum + (run.kv?.reads ?? 0), 0);
	return {
		saturated,
		unloaded,
		ablation,
		gatewayOverNaive,
		gatewayReadsPerRequestOverall: totalReads / totalRequests,
	};
}

/** Each target of the issue with the figure that decides it. */
export function evaluateTargets({ load, checks, cacheScaling }) {
	const gateway = load.saturated[GATEWAY];
	const gatewayUnloaded = load.unloaded[GATEWAY];
	const byName = (fragment) => checks.find((check) => check.name.includes(fragment));
	const uncached = byName("not cached");
	const cached = byName("is cached");
	const writeThrough = byName("through this isolate");
	const staleness = byName("made elsewhere");
	const verdict = (passed) => (passed === undefined ? "not measured" : passed ? "met" : "missed");
	const stalenessMet =
		staleness === undefined ? undefined : staleness.lastAcceptedMs <= staleness.boundMs;
	return [
		{
			target: "throughput ≥ 0.9× the verify-only peer",
			measured: `${gateway.ratio.requestsPerSecond.toFixed(2)}×`,
			verdict: verdict(gateway.ratio.requestsPerSecond >= 0.9),
		},
		{
			target: "p99 latency ≤ 1.25× the verify-only peer (one connection, no queue)",
			measured:
				`${gatewayUnloaded.ratio.latencyP99Ms.toFixed(2)}× ` +
				`(saturated: ${gateway.ratio.latencyP99Ms.toFixed(2)}×)`,
			verdict: verdict(gatewayUnloaded.ratio.latencyP99Ms <= 1.25),
		},
		{
			target: "throughput ≥ 2× the naive revocation peer",
			measured: `${load.gatewayOverNaive.toFixed(2)}×`,
			verdict: verdict(load.gatewayOverNaive >= 2),
		},
		{
			target: "≤ 1 KV read per request whose answer is not cached",
			measured:
				`${uncached.detail}; under load ` +
				`${load.gatewayReadsPerRequestOverall.toFixed(3)} reads/request`,
			verdict: verdict(uncached.passed),
		},
		{
			target: "no KV read when the answer is cached",
			measured: cached.detail,
			verdict: verdict(cached.passed),
		},
		{
			target: "cached answers stay within the stated bound (REVOCATION_CACHE_SECONDS)",
			measured: staleness?.detail ?? "not observed in the smoke run",
			verdict: verdict(stalenessMet),
		},
		{
			target: "a revocation made through an isolate holds there at once",
			measured: writeThrough.detail,
			verdict: verdict(writeThrough.passed),
		},
		{
			target: "the cache is bounded",
			measured: cacheScaling
				.map((size) => `${size.entries} entries: ${size.sizeAfterInserts} after inserts`)
				.join("; "),
			verdict: verdict(cacheScaling.every((size) => size.bounded)),
		},
	];
}

/**
 * What makes the run itself a failure (never a duration): a failed check, a cache over its
 * bound, or statuses other than 200 (served) and 401 (refused), which mean the benchmark broke.
 */
export function runFailures({ checks, cache, rounds }) {
	const failures = [
		...checks.filter((check) => check.passed === false).map((check) => `failed: ${check.name}`),
		...cache.filter((size) => !size.bounded).map((size) => `cache over ${size.entries} entries`),
	];
	for (const round of rounds) {
		for (const kind of ["saturated", "unloaded"]) {
			for (const [target, run] of Object.entries(round[kind])) {
				const odd = Object.keys(run.statusCounts).filter(
					(status) => !["200", "401"].includes(status),
				);
				if (odd.length > 0 || run.errors > 0) {
					failures.push(`${target} (${kind}): statuses ${odd.join(", ")}, ${run.errors} errors`);
				}
			}
		}
	}
	return failures;
}
