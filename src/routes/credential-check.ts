import { z } from "zod";
import type { GatewayDependencies } from "../http/context";
import { GatewayError } from "../http/errors";
import { readBoundedText } from "../http/json-body";
import { upstreamUrlFor } from "../proxy/forward";
import { isValidRevocationId } from "../revocation/keys";

/** Largest credential-check answer read from the origin, in bytes. */
const MAX_ANSWER_BYTES = 16 * 1024;

const verifiedIdentity = z.object({
	// The subject becomes part of KV keys, so it obeys the revocation id limit (256 bytes).
	sub: z.string().refine(isValidRevocationId, "sub must be a string of 1 to 256 bytes"),
	claims: z.record(z.string(), z.unknown()).default({}),
});

export type VerifiedIdentity = z.infer<typeof verifiedIdentity>;

/**
 * Asks the origin whether a username and password are right (`POST <origin><path>` with JSON).
 * 200 with `{"sub", "claims"}` is a yes; 401 or 403 a no; anything else a broken origin.
 */
export async function checkCredentials(
	deps: GatewayDependencies,
	credentials: { username: string; password: string },
): Promise<VerifiedIdentity> {
	const { settings, fetchUpstream } = deps;
	// Appended to the upstream's base path (not resolved against it), so it stays on that host
	// and under that path, as the settings promise.
	const url = upstreamUrlFor(
		settings.upstreamUrl,
		new URL(settings.credentialCheckPath, "http://x"),
	);
	const request = new Request(url, {
		method: "POST",
		headers: { "Content-Type": "application/json", Accept: "application/json" },
		body: JSON.stringify(credentials),
		redirect: "manual",
		signal: AbortSignal.timeout(settings.upstreamTimeoutMs),
	});

	let answer: Response;
	try {
		answer = await fetchUpstream(request);
	} catch (error) {
		const timedOut = error instanceof Error && error.name === "TimeoutError";
		throw new GatewayError(
			timedOut ? "upstream_timeout" : "upstream_unavailable",
			"The credential check at the origin could not be reached.",
			{ cause: error },
		);
	}

	if (answer.status === 401 || answer.status === 403) {
		await answer.body?.cancel();
		throw new GatewayError("invalid_credentials", "The username or password is wrong.");
	}
	if (answer.status !== 200) {
		await answer.body?.cancel();
		throw new GatewayError(
			"upstream_invalid_response",
			`The credential check answered ${answer.status}.`,
		);
	}

	let identity: unknown;
	try {
		identity = JSON.parse(await readBoundedText(answer, MAX_ANSWER_BYTES));
	} catch {
		identity = undefined;
	}
	const parsed = verifiedIdentity.safeParse(identity);
	if (!parsed.success) {
		throw new GatewayError(
			"upstream_invalid_response",
			'The credential check did not answer {"sub", "claims"}.',
		);
	}
	return parsed.data;
}
