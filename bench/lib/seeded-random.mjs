// A small seeded pseudo-random generator (mulberry32), so that every run draws the same users,
// revocations and request order, and two targets of one run see exactly the same traffic.

/** Returns a function that yields numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let mixed = state;
		mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
		mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
		return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** A random lower-case hex id of `length` characters, from the seeded generator. */
export function seededHexId(random, length = 32) {
	let id = "";
	while (id.length < length) {
		id += Math.floor(random() * 0x1_0000_0000)
			.toString(16)
			.padStart(8, "0");
	}
	return id.slice(0, length);
}
