/**
 * The gateway address of the server at `baseUrl` (an http(s) origin): the page's own
 * server on the web, the chosen server in the desktop app, whose pages are not served
 * by it.
 */
export function socketUrl(baseUrl: string): string {
	const { protocol, host } = new URL(baseUrl);
	return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/ws`;
}
