import { TOKEN_VERIFIERS } from "./token-verifiers";

const prepared = new Map<string, Promise<() => Promise<unknown>>>();

/**
 * Verifies one token `iterations` times inside workerd with one of the verifiers of
 * token-verifiers.ts: `GET /?verifier=ES256-jose&iterations=2000`. Time is measured by the
 * caller: inside a Worker the clock stands still while code runs, so only the caller (and the
 * operating system's CPU accounting of the workerd process) can see how long the loop took.
 * `iterations=0` prepares the key and token, so the caller can subtract the request itself.
 */
export default {
	async fetch(request) {
		const url = new URL(request.url);
		const id = url.searchParams.get("verifier") ?? "";
		const iterations = Number(url.searchParams.get("iterations") ?? "0");
		const verifier = TOKEN_VERIFIERS[id];
		if (verifier === undefined || !Number.isInteger(iterations)) {
			return Response.json({ error: "unknown verifier or bad iterations" }, { status: 400 });
		}
		let verifyOnce = prepared.get(id);
		if (verifyOnce === undefined) {
			verifyOnce = verifier.prepare();
			prepared.set(id, verifyOnce);
		}
		const verify = await verifyOnce;
		for (let round = 0; round < iterations; round++) {
			await verify();
		}
		return Response.json({ verifier: id, iterations });
	},
} satisfies ExportedHandler;
