// Vite's `?raw` suffix imports a file's text; tests use it to compare against committed files.
declare module "*?raw" {
	const content: string;
	export default content;
}
