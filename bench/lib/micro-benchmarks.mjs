// The micro-benchmarks that run after the load: verification per algorithm, the revocation check
// with every answer cached, and the lookup cache at growing sizes.

import { measureCachedCheckCost, measureLookupCacheScaling } from "./micro-revocation-scaling.mjs";
import { measureVerificationCost } from "./micro-verification.mjs";

export async function runMicroBenchmarks({ stack, plan, progress }) {
	const common = {
		workerdPid: stack.workerdPids.workers,
		repeats: plan.microRepeats,
		minimumWallMs: plan.microMinimumWallMs,
	};
	progress("verification cost per algorithm");
	const verification = await measureVerificationCost({
		...common,
		probeUrl: stack.urls["verification-cost"],
	});
	progress("the revocation check with every answer cached");
	const cachedCheck = await measureCachedCheckCost({
		...common,
		probeUrl: stack.urls["revocation-check-probe"],
	});
	progress(`the revocation cache at ${plan.cacheSizes.join(", ")} entries`);
	const cache = await measureLookupCacheScaling({
		...common,
		probeUrl: stack.urls["lookup-cache-probe"],
		probeName: "lookup-cache-probe",
		inspectorUrl: stack.inspectorUrl,
		sizes: plan.cacheSizes,
	});
	return { verification, cachedCheck, cache };
}
