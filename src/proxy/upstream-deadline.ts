/**
 * The time an origin is given, counted from its last sign of progress: from the start of the
 * request, and again from each piece of the request body it takes in. A client's slow upload is
 * then not blamed on the origin, while an origin that stops reading the body, or never answers
 * once it has it, is given up on after `timeoutMs`. Once the response headers arrive the
 * deadline is stopped for good, so a long download is never cut short.
 */
export class UpstreamDeadline {
	private readonly controller = new AbortController();
	private timer: ReturnType<typeof setTimeout> | undefined;
	private stopped = false;

	constructor(private readonly timeoutMilliseconds: number) {
		this.restart();
	}

	/** Aborts the upstream fetch when the deadline passes. */
	get signal(): AbortSignal {
		return this.controller.signal;
	}

	get expired(): boolean {
		return this.controller.signal.aborted;
	}

	/** Gives the origin the whole timeout again, unless the deadline was stopped. */
	restart(): void {
		if (this.stopped) {
			return;
		}
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.controller.abort(), this.timeoutMilliseconds);
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.timer);
	}

	/**
	 * The request body as the origin receives it, restarting the deadline as the origin takes
	 * each chunk and once it has the last. Chunks pass one at a time under the runtime's
	 * backpressure, never buffered. A declared length is kept through a `FixedLengthStream`, so
	 * the origin still gets `Content-Length` rather than a chunked body.
	 */
	track(body: ReadableStream<Uint8Array>, contentLength: string | null): ReadableStream {
		const progress = new TransformStream<Uint8Array, Uint8Array>({
			transform: (chunk, controller) => {
				this.restart();
				controller.enqueue(chunk);
			},
			flush: () => this.restart(),
		});
		const tracked = body.pipeThrough(progress);
		// The runtime has already refused a request whose Content-Length is not a number.
		return contentLength !== null && /^[0-9]{1,15}$/.test(contentLength)
			? tracked.pipeThrough(new FixedLengthStream(Number(contentLength)))
			: tracked;
	}
}
