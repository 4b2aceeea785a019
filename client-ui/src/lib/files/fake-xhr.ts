/** A scriptable stand-in for XMLHttpRequest in unit tests (see upload.test.ts). */
export class FakeXhr {
	method = '';
	url = '';
	headers: Record<string, string> = {};
	body: FormData | null = null;
	status = 0;
	responseText = '';
	aborted = false;
	private responseHeaders: Record<string, string> = {};
	upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
	onload: (() => void) | null = null;
	onerror: (() => void) | null = null;
	onabort: (() => void) | null = null;

	constructor(private readonly sent: FakeXhr[]) {}

	open(method: string, url: string) {
		this.method = method;
		this.url = url;
	}

	setRequestHeader(name: string, value: string) {
		this.headers[name] = value;
	}

	send(body: FormData) {
		this.body = body;
		this.sent.push(this);
	}

	getResponseHeader(name: string): string | null {
		return this.responseHeaders[name.toLowerCase()] ?? null;
	}

	abort() {
		this.aborted = true;
		this.onabort?.();
	}

	progress(loaded: number, total: number) {
		this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent);
	}

	respond(status: number, body: unknown, headers: Record<string, string> = {}) {
		this.status = status;
		this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
		this.responseHeaders = Object.fromEntries(
			Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])
		);
		this.onload?.();
	}

	fail() {
		this.onerror?.();
	}
}

/** A factory for `createXhr` and the requests it made, in order. */
export function fakeXhrs() {
	const sent: FakeXhr[] = [];
	return { sent, createXhr: () => new FakeXhr(sent) as unknown as XMLHttpRequest };
}
