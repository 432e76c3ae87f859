// The side-by-side load runs: every target under the same load generator settings, one at a
// time, round after round, each round in a rotated order so that no target always runs first
// or right after the same neighbour. Ratios are taken within a round, between runs minutes
// apart at most, which is what keeps them meaningful on a noisy shared machine.

import { countsBetween, kvCounts } from "./gateway-client.mjs";
import { runLoad } from "./load-run.mjs";
import { processCpuMilliseconds } from "./process-cpu.mjs";
import { ORIGIN } from "./worker-catalog.mjs";

/**
 * @typedef {object} LoadPlan
 * @property {number} rounds
 * @property {number} connections
 * @property {number} warmupSeconds        before each measured run, same settings, not counted
 * @property {number} durationSeconds      saturated run: as fast as the target answers
 * @property {number} unloadedSeconds      one-connection run: latency without a queue
 * @property {string} path
 */

function rotated(list, by) {
	const shift = by % list.length;
	return [...list.slice(shift), ...list.slice(0, shift)];
}

/** Runs `run()` and returns its result with the CPU that the target's workerd spent, in ms. */
async function withCpu(pid, run) {
	const before = processCpuMilliseconds(pid);
	const result = await run();
	const after = processCpuMilliseconds(pid);
	return {
		...result,
		cpuMs: before === undefined || after === undefined ? undefined : after - before,
	};
}

/**
 * One measured run: warm-up first, then the run itself with its KV operations and CPU counted.
 * The warm-up walks another part of the request sequence, so the measured run starts with a
 * cache warmed by traffic like its own, but not by its very requests.
 */
async function measuredRun({ stack, target, plan, tokens, sequence, countsKv, extra }) {
	const url = stack.urls[target];
	const common = { connections: plan.connections, path: plan.path, ...extra };
	await runLoad(
		url,
		{ ...common, durationSeconds: plan.warmupSeconds, startAt: sequence.length >> 1 },
		tokens,
		sequence,
	);
	const countsBefore = countsKv ? await kvCounts(url) : undefined;
	const pid = target === ORIGIN ? stack.workerdPids.origin : stack.workerdPids.workers;
	const logLinesBefore = stack.logLines.count;
	const result = await withCpu(pid, () =>
		runLoad(
			url,
			{ ...common, durationSeconds: extra.durationSeconds, startAt: 0 },
			tokens,
			sequence,
		),
	);
	return {
		...result,
		kv: countsKv ? countsBetween(countsBefore, await kvCounts(url)) : undefined,
		logLines: stack.logLines.count - logLinesBefore,
	};
}

/**
 * Runs every round. `targets` lists the load targets (with one-connection latency runs) and
 * `ablations` the gateway variants (saturated runs only). `countsKv(name)` says whether a
 * target counts its KV operations. Returns the raw runs, by round and target.
 */
export async function runInterleavedRounds({
	stack,
	targets,
	ablations,
	countsKv,
	plan,
	tokens,
	sequence,
	progress,
}) {
	const rounds = [];
	for (let round = 0; round < plan.rounds; round++) {
		const saturated = {};
		for (const target of rotated([...targets, ...ablations], round)) {
			progress(`round ${round + 1}/${plan.rounds}: ${target}, saturated`);
			saturated[target] = await measuredRun({
				stack,
				target,
				plan,
				tokens,
				sequence,
				countsKv: countsKv(target),
				extra: { durationSeconds: plan.durationSeconds },
			});
		}

		// One connection, one request at a time: each request finds the target idle, so its
		// latency is the work it causes, without waiting behind others. (autocannon's rate limit
		// sends each second's requests in a burst, which would measure a queue again.)
		const unloaded = {};
		for (const target of rotated(targets, round)) {
			progress(`round ${round + 1}/${plan.rounds}: ${target}, one connection`);
			unloaded[target] = await measuredRun({
				stack,
				target,
				plan,
				tokens,
				sequence,
				countsKv: countsKv(target),
				extra: { durationSeconds: plan.unloadedSeconds, connections: 1 },
			});
		}
		rounds.push({ saturated, unloaded });
	}
	return rounds;
}
