// A CPU profile of one target under the same saturated load as the measured runs.

import { profileWorker } from "./cpu-profile.mjs";
import { runLoad } from "./load-run.mjs";

/** Warms the target up, then profiles it for `plan.profileSeconds` under load. */
export async function profileUnderLoad({ stack, bundles, target, plan, tokens, sequence }) {
	const load = { connections: plan.connections, path: plan.path };
	const url = stack.urls[target];
	await runLoad(url, { ...load, durationSeconds: plan.warmupSeconds }, tokens, sequence);
	let requests = 0;
	const profile = await profileWorker({
		inspectorUrl: stack.inspectorUrl,
		workerName: target,
		bundlePath: bundles.get(target),
		underLoad: async () => {
			const run = await runLoad(
				url,
				{ ...load, durationSeconds: plan.profileSeconds },
				tokens,
				sequence,
			);
			requests = run.requests;
		},
	});
	return { target, requests, ...profile };
}
