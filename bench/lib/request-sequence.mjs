// Which token each request of a load run carries. Popularity follows a Zipf law over the tokens
// (rank r is chosen with weight 1 / r^exponent): a few clients call often, most call now and
// then, as with real API traffic. Ranks are assigned in a random order, so revoked tokens and
// heavy callers are independent.

/** Returns `length` token indexes drawn from a Zipf law over `tokenCount` tokens. */
export function zipfRequestSequence({ tokenCount, length, exponent, random }) {
	const rankToToken = Array.from({ length: tokenCount }, (_, index) => index);
	for (let index = tokenCount - 1; index > 0; index--) {
		const other = Math.floor(random() * (index + 1));
		[rankToToken[index], rankToToken[other]] = [rankToToken[other], rankToToken[index]];
	}

	const cumulative = new Float64Array(tokenCount);
	let total = 0;
	for (let rank = 0; rank < tokenCount; rank++) {
		total += 1 / (rank + 1) ** exponent;
		cumulative[rank] = total;
	}

	const sequence = new Uint32Array(length);
	for (let position = 0; position < length; position++) {
		const target = random() * total;
		let low = 0;
		let high = tokenCount - 1;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (cumulative[middle] < target) {
				low = middle + 1;
			} else {
				high = middle;
			}
		}
		sequence[position] = rankToToken[low];
	}
	return sequence;
}

/** How many distinct tokens the sequence holds, and the share of requests with a revoked one. */
export function describeSequence(sequence, tokens) {
	const distinct = new Set(sequence).size;
	let revoked = 0;
	for (const index of sequence) {
		if (tokens[index].revokedAs !== undefined) {
			revoked++;
		}
	}
	return {
		requests: sequence.length,
		distinctTokens: distinct,
		revokedShare: revoked / sequence.length,
	};
}
