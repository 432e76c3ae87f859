import { createOriginApp } from "../../examples/origin/src/app";

/** The secret the test gateway signs origin assertions with, and the test origin verifies. */
export const TEST_ORIGIN_ASSERTION_SECRET = "test-origin-assertion-secret-of-32-bytes-or-more";

/** What reached the origin, as the origin saw it. */
export interface RecordedRequest {
	method: string;
	url: string;
	headers: Headers;
	/** How the gateway asked the runtime to treat a redirect. */
	redirect: string;
	/** Whether the request carried a body stream at all. */
	hasBody: boolean;
}

export interface RecordingOrigin {
	fetch: (request: Request) => Promise<Response>;
	requests: RecordedRequest[];
	/** Requests other than the login credential check. */
	proxied: () => RecordedRequest[];
	/** Makes every following request fail as an unreachable origin would. */
	goDown: () => void;
	/**
	 * Makes every following request wait, without an answer, until the gateway gives up on it.
	 * Resolves once such a request has arrived.
	 */
	hang: () => Promise<void>;
	/** Answers every following request with `handler` instead of the example origin. */
	answerWith: (handler: (request: Request) => Response | Promise<Response>) => void;
}

export interface RecordingOriginOptions {
	/** The clock the origin checks assertions against: the gateway's frozen one. */
	now: () => number;
	/** The gateway's issuer name. */
	issuer: string;
}

/** An answer that never comes: it fails only when the caller aborts, as a hung origin does. */
function neverAnswer(request: Request): Promise<Response> {
	return new Promise((_resolve, reject) => {
		request.signal.addEventListener("abort", () => reject(request.signal.reason));
	});
}

/**
 * The example origin, run in-process with the same assertion secret as the test gateway,
 * recording every request that reaches it. It can also go down, hang, or answer otherwise.
 */
export function recordingOrigin(options: RecordingOriginOptions): RecordingOrigin {
	const app = createOriginApp({ now: options.now });
	const env = {
		ORIGIN_ASSERTION_SECRET: TEST_ORIGIN_ASSERTION_SECRET,
		GATEWAY_ISSUER: options.issuer,
		ASSERTION_AUDIENCE: "http://origin.test",
	};
	const requests: RecordedRequest[] = [];
	let answer: (request: Request) => Response | Promise<Response> = (request) =>
		app.fetch(request, env);
	let down = false;
	return {
		requests,
		proxied: () => requests.filter((request) => !request.url.endsWith("/auth/verify")),
		goDown: () => {
			down = true;
		},
		hang: () =>
			new Promise((arrived) => {
				answer = (request) => {
					arrived();
					return neverAnswer(request);
				};
			}),
		answerWith: (handler) => {
			answer = handler;
		},
		fetch: async (request) => {
			if (down) {
				throw new TypeError("Network connection lost.");
			}
			requests.push({
				method: request.method,
				url: request.url,
				headers: request.headers,
				redirect: request.redirect,
				hasBody: request.body !== null,
			});
			return answer(request);
		},
	};
}
