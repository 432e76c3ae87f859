// Timing work done inside workerd from the outside: the wall-clock time of a request and the CPU
// time the workerd process spent meanwhile. Inside a Worker the clock stands still while code
// runs, so this is the only honest clock for a loop of pure computation.

import { processCpuMilliseconds } from "./process-cpu.mjs";

/** Wall and workerd CPU milliseconds of one request; the response body is parsed as JSON. */
export async function timedRequest(url, init, workerdPid) {
	const cpuBefore = processCpuMilliseconds(workerdPid);
	const started = performance.now();
	const response = await fetch(url, init);
	const body = await response.json();
	const wallMs = performance.now() - started;
	const cpuAfter = processCpuMilliseconds(workerdPid);
	if (!response.ok) {
		throw new Error(`${url} answered ${response.status}: ${JSON.stringify(body)}`);
	}
	return {
		body,
		wallMs,
		cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
	};
}

function median(values) {
	const sorted = [...values].sort((left, right) => left - right);
	return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Cost of one operation of a loop that runs inside workerd: `urlFor(n)` runs it n times.
 * Grows n until one request takes at least `minimumWallMs` (the CPU clock of /proc ticks every
 * 10 ms) or n reaches `maxOperations`, subtracts an n = 0 request, and takes the median of
 * `repeats` measurements. Returns microseconds per operation, wall and CPU.
 */
export async function costPerOperation({
	urlFor,
	init,
	workerdPid,
	minimumWallMs,
	repeats,
	maxOperations = 10_000_000,
}) {
	let operations = 100;
	for (;;) {
		const { wallMs } = await timedRequest(urlFor(operations), init, workerdPid);
		if (wallMs >= minimumWallMs || operations >= maxOperations) {
			break;
		}
		const factor = Math.min(10, Math.max(2, Math.ceil(minimumWallMs / Math.max(wallMs, 1))));
		operations = Math.min(maxOperations, operations * factor);
	}
	const wall = [];
	const cpu = [];
	for (let repeat = 0; repeat < repeats; repeat++) {
		const empty = await timedRequest(urlFor(0), init, workerdPid);
		const full = await timedRequest(urlFor(operations), init, workerdPid);
		wall.push(((full.wallMs - empty.wallMs) * 1000) / operations);
		if (full.cpuMs !== undefined && empty.cpuMs !== undefined) {
			cpu.push(((full.cpuMs - empty.cpuMs) * 1000) / operations);
		}
	}
	return {
		operations,
		wallMicroseconds: median(wall),
		cpuMicroseconds: cpu.length === repeats ? median(cpu) : undefined,
	};
}
