import gateway from "../../src/index";
import { countingKv, emptyKvOperationCounts } from "./counting-kv";
import { kvCountsResponse } from "./kv-counts-route";

/**
 * The gateway exactly as `src/index.ts` exports it, with its `REVOCATIONS` binding counted.
 *
 * Miniflare cannot count KV operations itself, so this entry wraps the binding and answers
 * `GET /__bench/kv-operations` with the counts; every other request goes to the gateway
 * unchanged. The wrapped env is built once per env object: the gateway keeps its settings,
 * signing key and revocation cache per env (see src/index.ts), and a new env per request would
 * silently turn that cache off.
 */
const counts = emptyKvOperationCounts();
const countedEnvs = new WeakMap<Env, Env>();

function countedEnv(env: Env): Env {
	let counted = countedEnvs.get(env);
	if (counted === undefined) {
		counted = { ...env, REVOCATIONS: countingKv(env.REVOCATIONS, counts) };
		countedEnvs.set(env, counted);
	}
	return counted;
}

export default {
	fetch(request, env, ctx) {
		return kvCountsResponse(request, counts) ?? gateway.fetch(request, countedEnv(env), ctx);
	},
} satisfies ExportedHandler<Env>;
