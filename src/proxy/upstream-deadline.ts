/**
 * The time an origin is given to answer with its response headers, counted from the moment it
 * has the whole request: a client's slow upload is not blamed on the origin. While the body is
 * still on its way the deadline waits; the upload itself is bounded by the client and the
 * platform, since an origin that stops reading stalls the client's upload with it. Once the
 * response headers arrive the deadline is stopped for good, so a long download is never cut.
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

	stop(): void {
		this.stopped = true;
		clearTimeout(this.timer);
	}

	/**
	 * The request body as the origin receives it, with the deadline held until the origin has
	 * taken all of it. The body passes through the runtime's own streams, native to native, so
	 * no chunk enters JavaScript and memory stays flat however large the upload. A declared
	 * length is kept through a `FixedLengthStream`, so the origin gets `Content-Length` as before.
	 */
	track(body: ReadableStream<Uint8Array>, contentLength: string | null): ReadableStream {
		clearTimeout(this.timer);
		// The runtime has already refused a request whose Content-Length is not a number.
		const passage =
			contentLength !== null && /^[0-9]{1,15}$/.test(contentLength)
				? new FixedLengthStream(Number(contentLength))
				: new IdentityTransformStream();
		body.pipeTo(passage.writable).then(
			() => this.restart(),
			// A body that breaks off errors the stream the fetch reads, so the fetch fails and
			// reports it; nothing is lost by not handling it here too.
			() => {},
		);
		return passage.readable;
	}

	private restart(): void {
		if (this.stopped) {
			return;
		}
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.controller.abort(), this.timeoutMilliseconds);
	}
}
