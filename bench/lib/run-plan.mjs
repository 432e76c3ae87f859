// Everything a benchmark run does, in one place: the full run, and the smoke run that does the
// same steps shorter and smaller.

/** Same seed, same users, revocations and request order in every run. */
export const SEED = 20_260_601;

/** Requests drawn in advance; a load run that needs more starts over from the first. */
export const SEQUENCE_LENGTH = 1 << 17;

const COMMON = {
	path: "/public/hello",
	maxSessionsPerUser: 3,
	zipfExponent: 1,
	revocationShares: { users: 0.005, sessions: 0.005, tokens: 0.01 },
};

const FULL = {
	...COMMON,
	rounds: 3,
	connections: 16,
	warmupSeconds: 2,
	durationSeconds: 6,
	unloadedSeconds: 5,
	users: 2_000,
	kvSizes: [1, 10_000],
	cacheSizes: [1, 10_000, 1_000_000],
	microMinimumWallMs: 300,
	microRepeats: 3,
	profileSeconds: 5,
};

const SMOKE = {
	...COMMON,
	rounds: 1,
	connections: 8,
	warmupSeconds: 1,
	durationSeconds: 2,
	unloadedSeconds: 1.5,
	users: 300,
	kvSizes: [1, 1_000],
	cacheSizes: [1, 10_000],
	microMinimumWallMs: 50,
	microRepeats: 1,
	// No profile and no ablations: they explain the figures, they do not prove the run works.
	profileSeconds: 0,
};

export function runPlan(smoke) {
	return smoke ? SMOKE : FULL;
}
