/** A clock that stands still until a test moves it; milliseconds since the epoch. */
export interface FrozenClock {
	(): number;
	set(milliseconds: number): void;
	advance(milliseconds: number): void;
}

/** 2026-01-01T00:00:00.000Z, a whole second, so tests can reason in exact instants. */
export const TEST_EPOCH = Date.UTC(2026, 0, 1);

export function frozenClock(start: number = TEST_EPOCH): FrozenClock {
	let now = start;
	const clock = (() => now) as FrozenClock;
	clock.set = (milliseconds) => {
		now = milliseconds;
	};
	clock.advance = (milliseconds) => {
		now += milliseconds;
	};
	return clock;
}
