import { OriginAssertionSigner } from "../../src/proxy/origin-assertion";
import { Revocations } from "../../src/revocation/revocations";
import { RevocationStore } from "../../src/revocation/store";
import countedGateway from "./counted-gateway";

/**
 * The counted gateway with one part switched off, to measure what that part costs: the
 * benchmark runs it next to the real gateway and reads the difference. Never a deployable
 * configuration. `BENCH_ABLATION` names the part:
 *
 * - `no-revocation-check`: the check returns at once (verify and forward only);
 * - `no-kv-reads`: the check runs with its cache, but KV is never read and every key it would
 *   fetch counts as absent (what the check costs when every answer is cached);
 * - `no-console-output`: the request log line is built but not written out;
 * - `no-origin-assertion`: the request goes to the origin with a fixed dummy in place of the
 *   signed assertion (the benchmark's origin route does not check it).
 *
 * The parts are replaced on the shared prototypes, which is possible here because each worker
 * runs in its own isolate with its own copy of the modules.
 */
interface AblationEnv extends Env {
	BENCH_ABLATION?: string;
}

let ablated = false;

function switchOff(part: string | undefined): void {
	switch (part) {
		case "no-revocation-check":
			Revocations.prototype.assertNotRevoked = async () => {};
			return;
		case "no-kv-reads":
			RevocationStore.prototype.readMany = async () => new Map();
			return;
		case "no-console-output":
			console.log = () => {};
			return;
		case "no-origin-assertion":
			OriginAssertionSigner.prototype.sign = async () => "ablated";
			return;
		default:
			throw new Error(`unknown BENCH_ABLATION: ${part}`);
	}
}

export default {
	fetch(request, env, ctx) {
		if (!ablated) {
			switchOff(env.BENCH_ABLATION);
			ablated = true;
		}
		return countedGateway.fetch(request, env, ctx);
	},
} satisfies ExportedHandler<AblationEnv>;
