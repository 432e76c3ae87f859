// Starts every worker of the benchmark under Miniflare (workerd) on loopback, and stops them.
//
// Two workerd processes, as in production, where the origin runs elsewhere:
// - the example origin alone;
// - everything else (peers, gateway, its variants, probes) with the gateway's compatibility
//   date and flags, sharing one KV namespace. Only one of them is under load at a time.
// Each worker gets its own loopback socket (`unsafeDirectSockets`), so requests reach it
// without passing Miniflare's routing worker, the same way for all of them.

import path from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { childProcessIds } from "./process-cpu.mjs";

const LOOPBACK = "127.0.0.1";

/**
 * The worker settings wrangler itself would hand Miniflare for a configuration file:
 * compatibility date and flags, `[vars]`, KV namespaces.
 */
async function wranglerWorkerOptions(configPath) {
	// Wrangler would warn that the secrets are not in .dev.vars; the benchmark passes its own.
	process.env.WRANGLER_LOG ??= "error";
	const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
	return unstable_getMiniflareWorkerOptions(configPath).workerOptions;
}

/** Starts a Miniflare instance and finds the workerd process it started, for CPU accounting. */
async function startMiniflare(options, onLogLine) {
	const before = new Set(childProcessIds("workerd"));
	const miniflare = new Miniflare(
		convertV4MiniflareOptions({
			host: LOOPBACK,
			port: 0,
			// The registry would announce these workers to other local sessions on this machine.
			enableDevRegistry: false,
			logRequests: false,
			// Every console line of a worker passes through here; counting it keeps the gateway's
			// request log off the terminal, while its cost (in workerd and here) stays in the run.
			handleStructuredLogs: onLogLine,
			...options,
		}),
	);
	const stop = () => miniflare.dispose();
	try {
		await miniflare.ready;
	} catch (error) {
		await stop().catch(() => {});
		throw error;
	}
	const started = childProcessIds("workerd").filter((pid) => !before.has(pid));
	return { miniflare, stop, workerdPid: started.length === 1 ? started[0] : undefined };
}

async function directUrl(miniflare, name) {
	return (await miniflare.unsafeGetDirectURL(name)).href.replace(/\/$/, "");
}

/**
 * @param {object} options
 * @param {string} options.repositoryRoot
 * @param {import("./worker-catalog.mjs").BenchWorker[]} options.workers
 * @param {Map<string, string>} options.bundles   worker name to bundle path
 * @param {Record<string, string>} options.secrets SIGNING_KEY and ADMIN_API_KEY of the run
 */
export async function startBenchStack({ repositoryRoot, workers, bundles, secrets }) {
	const logLines = { count: 0 };
	const onLogLine = (log) => {
		logLines.count++;
		// Uncaught exceptions and warnings of a worker are worth seeing; request logs are not.
		if (log.level === "error" || log.level === "warn") {
			console.error(`[workerd ${log.level}] ${log.message}`);
		}
	};
	const instances = [];
	const stop = async () => {
		await Promise.allSettled(instances.map((instance) => instance.stop()));
	};

	try {
		const origin = workers.find((worker) => worker.settings === "origin");
		const originOptions = await wranglerWorkerOptions(path.join(repositoryRoot, origin.config));
		const originInstance = await startMiniflare(
			{
				name: origin.name,
				modules: true,
				scriptPath: bundles.get(origin.name),
				compatibilityDate: originOptions.compatibilityDate,
				compatibilityFlags: originOptions.compatibilityFlags,
				unsafeDirectSockets: [{ host: LOOPBACK, port: 0 }],
			},
			onLogLine,
		);
		instances.push(originInstance);
		const originUrl = await directUrl(originInstance.miniflare, origin.name);

		const gatewayOptions = await wranglerWorkerOptions(path.join(repositoryRoot, "wrangler.toml"));
		const gatewaySettings = { ...gatewayOptions.bindings, ...secrets, UPSTREAM_URL: originUrl };
		const settingsFor = {
			gateway: gatewaySettings,
			peer: {
				SIGNING_KEY: gatewaySettings.SIGNING_KEY,
				UPSTREAM_URL: gatewaySettings.UPSTREAM_URL,
				TOKEN_ISSUER: gatewaySettings.TOKEN_ISSUER,
				TOKEN_AUDIENCE: gatewaySettings.TOKEN_AUDIENCE,
			},
			probe: {},
		};
		const others = workers.filter((worker) => worker !== origin);
		const workersInstance = await startMiniflare(
			{
				// The V8 inspector lets the benchmark profile a worker and read its heap; with no
				// client attached it costs nothing.
				inspectorPort: 0,
				workers: others.map((worker) => ({
					name: worker.name,
					modules: true,
					scriptPath: bundles.get(worker.name),
					compatibilityDate: gatewayOptions.compatibilityDate,
					compatibilityFlags: gatewayOptions.compatibilityFlags,
					bindings: { ...settingsFor[worker.settings], ...worker.bindings },
					...(worker.kv ? { kvNamespaces: gatewayOptions.kvNamespaces } : {}),
					unsafeDirectSockets: [{ host: LOOPBACK, port: 0 }],
				})),
			},
			onLogLine,
		);
		instances.push(workersInstance);

		const urls = { [origin.name]: originUrl };
		for (const worker of others) {
			urls[worker.name] = await directUrl(workersInstance.miniflare, worker.name);
		}
		const kvHolder = others.find((worker) => worker.kv);
		return {
			urls,
			settings: gatewaySettings,
			workerdPids: { origin: originInstance.workerdPid, workers: workersInstance.workerdPid },
			inspectorUrl: await workersInstance.miniflare.getInspectorURL(),
			/** The shared REVOCATIONS namespace, as seen from Node (writes land in the same store). */
			revocationsKv: await workersInstance.miniflare.getKVNamespace("REVOCATIONS", kvHolder.name),
			logLines,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
