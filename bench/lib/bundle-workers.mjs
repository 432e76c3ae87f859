// Bundles every worker of the benchmark with wrangler itself (`wrangler deploy --dry-run`), so
// the gateway is built exactly as `wrangler deploy` builds it, and the peers with the same
// esbuild settings. Nothing is uploaded: a dry run stops after writing the bundle.

import { spawn } from "node:child_process";
import path from "node:path";

function runWrangler(repositoryRoot, args, signal) {
	const wranglerEntry = path.join(repositoryRoot, "node_modules", ".bin", "wrangler");
	return new Promise((resolve, reject) => {
		// Run with the Node that runs the benchmark: the one on the PATH may be too old.
		const child = spawn(process.execPath, [wranglerEntry, ...args], {
			cwd: repositoryRoot,
			stdio: ["ignore", "pipe", "pipe"],
			env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
			// An interrupted benchmark stops its bundlers too.
			signal,
		});
		let output = "";
		child.stdout.on("data", (chunk) => {
			output += chunk;
		});
		child.stderr.on("data", (chunk) => {
			output += chunk;
		});
		child.once("error", reject);
		child.once("exit", (code) => {
			if (code === 0) {
				resolve();
			} else {
				reject(new Error(`wrangler ${args.join(" ")} failed (${code}):\n${output}`));
			}
		});
	});
}

/** Builds one entry module into its own folder, returning the bundle's path. */
async function bundleEntry(repositoryRoot, outDirectory, { entry, config }, signal) {
	const destination = path.join(outDirectory, entry.replace(/[/.]/g, "_"));
	const args = ["deploy", "--dry-run", "--outdir", destination, entry];
	if (config !== undefined) {
		args.push("--config", config);
	}
	await runWrangler(repositoryRoot, args, signal);
	return path.join(destination, `${path.parse(entry).name}.js`);
}

/**
 * Bundles the workers' entry modules, each once, two at a time (wrangler mostly waits on
 * esbuild, and the machine may have only two cores). Resolves to a map from worker name to
 * bundle path. Aborting `signal` stops the wrangler processes still running.
 */
export async function bundleWorkers(repositoryRoot, outDirectory, workers, signal) {
	const bundleByEntry = new Map();
	const queue = [...new Map(workers.map((worker) => [worker.entry, worker])).values()];
	const lanes = Array.from({ length: 2 }, async () => {
		for (let worker = queue.shift(); worker !== undefined; worker = queue.shift()) {
			const bundle = await bundleEntry(repositoryRoot, outDirectory, worker, signal);
			bundleByEntry.set(worker.entry, bundle);
		}
	});
	await Promise.all(lanes);
	return new Map(workers.map((worker) => [worker.name, bundleByEntry.get(worker.entry)]));
}
