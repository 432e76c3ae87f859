import { createJsonLogger, type Logger } from "../../src/http/logger";

export interface RecordedLog {
	logger: Logger;
	/** Every line written so far, parsed. */
	entries: () => Record<string, unknown>[];
	/** Every line as written, for asserting that a secret never appears in any of them. */
	text: () => string;
}

export function recordLogs(clock: () => number = Date.now): RecordedLog {
	const lines: string[] = [];
	const logger = createJsonLogger((line) => lines.push(line), clock);
	return {
		logger,
		entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
		text: () => lines.join("\n"),
	};
}
