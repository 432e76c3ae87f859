// The tables of the report that the README quotes, and the formatting they share with the rest
// of the report.

import { BENCH_WORKERS } from "./worker-catalog.mjs";

export function number(value, digits = 2) {
	return value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
}

export function ratio(value) {
	return value === undefined || !Number.isFinite(value) ? "–" : `${value.toFixed(2)}×`;
}

export function table(header, rows) {
	return [
		`| ${header.join(" | ")} |`,
		`|${header.map(() => "---").join("|")}|`,
		...rows.map((row) => `| ${row.join(" | ")} |`),
	].join("\n");
}

export function describeWorker(name) {
	return BENCH_WORKERS.find((worker) => worker.name === name)?.describe ?? name;
}

/** The main side-by-side table; the README quotes it. */
export function sideBySideTable(load, targets) {
	return table(
		[
			"target",
			"req/s",
			"× verify-only",
			"p50 ms",
			"×",
			"p99 ms",
			"×",
			"KV reads/req",
			"workerd CPU ms/req",
			"×",
		],
		targets.map((name) => {
			const { median, ratio: ratios } = load.saturated[name];
			return [
				`\`${name}\``,
				number(median.requestsPerSecond, 0),
				ratio(ratios.requestsPerSecond),
				number(median.latencyP50Ms),
				ratio(ratios.latencyP50Ms),
				number(median.latencyP99Ms),
				ratio(ratios.latencyP99Ms),
				number(median.kvReadsPerRequest, 3),
				number(median.cpuMsPerRequest, 3),
				ratio(ratios.cpuMsPerRequest),
			];
		}),
	);
}

export function unloadedTable(load, targets) {
	return table(
		["target", "p50 ms", "× verify-only", "p99 ms", "× verify-only", "KV reads/req"],
		targets.map((name) => {
			const { median, ratio: ratios } = load.unloaded[name];
			return [
				`\`${name}\``,
				number(median.latencyP50Ms),
				ratio(ratios.latencyP50Ms),
				number(median.latencyP99Ms),
				ratio(ratios.latencyP99Ms),
				number(median.kvReadsPerRequest, 3),
			];
		}),
	);
}

export function targetsTable(targets) {
	return table(
		["target", "measured", "verdict"],
		targets.map(({ target, measured, verdict }) => [target, measured, `**${verdict}**`]),
	);
}

export function megabytes(bytes) {
	return `${number(bytes / 1_048_576, 1)} MiB`;
}
