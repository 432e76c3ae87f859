import { originApp } from "../../examples/origin/src/app";

/** What reached the origin, as the origin saw it. */
export interface RecordedRequest {
	method: string;
	url: string;
	headers: Headers;
}

export interface RecordingOrigin {
	fetch: (request: Request) => Promise<Response>;
	requests: RecordedRequest[];
	/** Requests other than the login credential check. */
	proxied: () => RecordedRequest[];
	/** Makes every following request fail as an unreachable origin would. */
	goDown: () => void;
}

/** The example origin, run in-process, counting every request that reaches it. */
export function recordingOrigin(): RecordingOrigin {
	const requests: RecordedRequest[] = [];
	let down = false;
	return {
		requests,
		proxied: () => requests.filter((request) => !request.url.endsWith("/auth/verify")),
		goDown: () => {
			down = true;
		},
		fetch: async (request) => {
			if (down) {
				throw new TypeError("Network connection lost.");
			}
			requests.push({ method: request.method, url: request.url, headers: request.headers });
			return originApp.fetch(request);
		},
	};
}
