/**
 * Link previews (the pure part): which links of a message the server previews, and the
 * URL of a preview's image. The server (`links_in` in `domain/link_previews/card.rs`)
 * decides; this mirrors it closely enough that messages without links never ask.
 */

import type { Schemas } from '$api/client';

/**
 * What a linked page says about itself, fetched by the server: `url`, and when the page
 * said so `title`, `description`, `site_name`, and `image_url` (the server's
 * `/api/link-previews/{id}/image`, never the site's own address).
 */
export type LinkPreview = Schemas['LinkPreviewView'];

/** The server previews this many links of a message at most. */
export const LINKS_PER_MESSAGE = 3;
const URL_MAX = 2048;

/** The text with fenced blocks and inline code spans blanked out, line by line. */
export function withoutCode(text: string): string {
	const out: string[] = [];
	let inFence = false;
	for (const line of text.split(/\r?\n/)) {
		if (line.trimStart().startsWith('```')) {
			inFence = !inFence;
			out.push('');
			continue;
		}
		if (inFence) {
			out.push('');
			continue;
		}
		let inSpan = false;
		let kept = '';
		for (const ch of line) {
			if (ch === '`') {
				inSpan = !inSpan;
				kept += ' ';
			} else kept += inSpan ? ' ' : ch;
		}
		out.push(kept);
	}
	return out.join('\n');
}

// A scheme that starts a word (so `xhttp://` is not one), up to a space or markup.
const CANDIDATE = /(?<![\p{L}\p{N}+.-])https?:\/\/[^\s<>"]+/giu;
const TRAILING = new Set(['.', ',', ':', ';', '?', '!', "'", '*', '_', '~']);
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Drops what ends a sentence rather than the link: punctuation, unbalanced brackets. */
function trimEnd(candidate: string): string {
	let end = candidate.length;
	for (;;) {
		const last = candidate[end - 1];
		if (last === undefined) break;
		if (TRAILING.has(last)) {
			end -= 1;
			continue;
		}
		const opener = CLOSERS[last];
		if (opener) {
			const inside = candidate.slice(0, end);
			const opened = inside.split(opener).length - 1;
			const closed = inside.split(last).length - 1;
			if (closed > opened) {
				end -= 1;
				continue;
			}
		}
		break;
	}
	return candidate.slice(0, end);
}

/**
 * The distinct http(s) links of a message's text outside code, in order, without their
 * fragments, at most {@link LINKS_PER_MESSAGE}.
 */
export function linksIn(text: string): string[] {
	if (!/https?:\/\//i.test(text)) return [];
	const links: string[] = [];
	for (const match of withoutCode(text).matchAll(CANDIDATE)) {
		let url: URL;
		try {
			url = new URL(trimEnd(match[0]));
		} catch {
			continue;
		}
		if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) continue;
		url.hash = '';
		const href = url.href;
		if (href.length > URL_MAX || links.includes(href)) continue;
		links.push(href);
		if (links.length === LINKS_PER_MESSAGE) break;
	}
	return links;
}

/** Whether a message may have previews: the cheap check before asking the server. */
export function hasPreviewableLinks(text: string): boolean {
	return linksIn(text).length > 0;
}

/**
 * The `<img>` address of a preview's image: the server's path on `baseUrl`, carrying the
 * media token. Null for anything but a server path (never the original site's image).
 */
export function previewImageSrc(
	baseUrl: string,
	imageUrl: string | null | undefined,
	token: string | null | undefined
): string | null {
	if (!imageUrl || !token || !imageUrl.startsWith('/api/') || imageUrl.startsWith('//')) {
		return null;
	}
	const base = baseUrl.replace(/\/+$/, '');
	const separator = imageUrl.includes('?') ? '&' : '?';
	return `${base}${imageUrl}${separator}token=${encodeURIComponent(token)}`;
}

/** The link's host, for a card without a site name, and as the link text of last resort. */
export function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}

/** Only http(s) links become a card's `href`. */
export function safeHref(url: string): string | null {
	try {
		const parsed = new URL(url);
		return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
	} catch {
		return null;
	}
}
