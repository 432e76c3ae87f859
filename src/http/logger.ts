/** Fields of one structured log line. Values must never hold a token, password or secret. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** A structured logger: one JSON object per line, so log search can filter on any field. */
export interface Logger {
	info(event: string, fields?: LogFields): void;
	warn(event: string, fields?: LogFields): void;
	error(event: string, fields?: LogFields): void;
}

type Level = "info" | "warn" | "error";

/** Writes JSON lines through `write` (the console by default, a recorder in tests). */
export function createJsonLogger(
	write: (line: string) => void = (line) => console.log(line),
	clock: () => number = Date.now,
): Logger {
	const log = (level: Level, event: string, fields: LogFields = {}) => {
		write(JSON.stringify({ time: new Date(clock()).toISOString(), level, event, ...fields }));
	};
	return {
		info: (event, fields) => log("info", event, fields),
		warn: (event, fields) => log("warn", event, fields),
		error: (event, fields) => log("error", event, fields),
	};
}
