// A minimal Chrome DevTools protocol client for workerd's V8 inspector: one WebSocket per
// worker isolate, commands answered by id. Node's built-in WebSocket is all it needs.

export class InspectorSession {
	#socket;
	#nextId = 1;
	#pending = new Map();

	constructor(socket) {
		this.#socket = socket;
		socket.addEventListener("message", (event) => {
			const message = JSON.parse(String(event.data));
			const pending = this.#pending.get(message.id);
			if (pending === undefined) {
				return;
			}
			this.#pending.delete(message.id);
			if (message.error === undefined) {
				pending.resolve(message.result);
			} else {
				pending.reject(new Error(`${message.error.message} (${message.error.code})`));
			}
		});
	}

	/** Opens a session on one worker of a Miniflare instance whose inspector is at `url`. */
	static async forWorker(inspectorUrl, workerName) {
		const listUrl = new URL("/json", inspectorUrl.href.replace(/^ws/, "http"));
		const targets = await (await fetch(listUrl)).json();
		const target = targets.find((candidate) => candidate.id.endsWith(`:${workerName}`));
		if (target === undefined) {
			throw new Error(`the inspector lists no worker named ${workerName}`);
		}
		const socket = new WebSocket(target.webSocketDebuggerUrl);
		await new Promise((resolve, reject) => {
			socket.addEventListener("open", resolve, { once: true });
			socket.addEventListener("error", reject, { once: true });
		});
		return new InspectorSession(socket);
	}

	send(method, params = {}) {
		const id = this.#nextId++;
		return new Promise((resolve, reject) => {
			this.#pending.set(id, { resolve, reject });
			this.#socket.send(JSON.stringify({ id, method, params }));
		});
	}

	/**
	 * Bytes in use on the isolate's JavaScript heap, after a full garbage collection.
	 * workerd runs the collection as a task of the isolate, which only happens once the isolate
	 * is entered again: `wakeIsolate()` sends the worker a request, again every 100 ms until the
	 * collection is reported (for at most 30 s).
	 */
	async heapBytesAfterGarbageCollection(wakeIsolate) {
		let collected = false;
		const collection = this.send("HeapProfiler.collectGarbage").then(() => {
			collected = true;
		});
		for (let attempt = 0; !collected && attempt < 300; attempt++) {
			await wakeIsolate();
			await Promise.race([collection, new Promise((resolve) => setTimeout(resolve, 100))]);
		}
		if (!collected) {
			throw new Error("the isolate did not report a garbage collection within 30 s");
		}
		const { usedSize } = await this.send("Runtime.getHeapUsage");
		return usedSize;
	}

	close() {
		this.#socket.close();
	}
}
