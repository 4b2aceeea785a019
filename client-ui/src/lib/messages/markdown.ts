/**
 * Message markdown, rendered safely: markdown-it with raw HTML off (tags are shown as
 * text), links only to http, https and mailto (anything else stays plain text), every
 * link opening in a new tab without an opener or referrer, images shown as links (no
 * remote loads), fenced code highlighted by highlight.js for common languages, and the
 * `:name:` of the community's custom emoji drawn with their images.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import MarkdownIt, { type Env as MarkdownEnv, type StateCore, type Token } from 'markdown-it';
import { splitCustomEmoji } from '$lib/emoji/custom';

const LANGUAGES = {
	bash,
	c,
	cpp,
	css,
	diff,
	go,
	java,
	javascript,
	json,
	markdown,
	python,
	rust,
	sql,
	typescript,
	xml,
	yaml
};
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

function escapeHtml(text: string): string {
	return text
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;');
}

/** Schemes a rendered link may use. */
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

const md = new MarkdownIt({
	html: false,
	linkify: true,
	breaks: true,
	typographer: false,
	highlight(code, language) {
		const lang = language.trim().toLowerCase();
		const body =
			lang && hljs.getLanguage(lang)
				? hljs.highlight(code, { language: lang, ignoreIllegals: true }).value
				: escapeHtml(code);
		const label = lang ? ` data-language="${escapeHtml(lang)}"` : '';
		return `<pre class="code-block"${label}><code class="hljs">${body}</code></pre>`;
	}
});

// Links that fail this are rendered as their source text.
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
// Remote images would reveal readers' addresses to any server: no images in messages.
md.disable('image');

const defaultLinkOpen =
	md.renderer.rules.link_open ??
	((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
md.renderer.rules.link_open = (tokens, index, options, env, self) => {
	const token = tokens[index]!;
	token.attrSet('target', '_blank');
	token.attrSet('rel', 'noopener noreferrer');
	return defaultLinkOpen(tokens, index, options, env, self);
};

export interface RenderOptions {
	/**
	 * The image URL of a custom emoji of the conversation's community, or null for a name
	 * that is none (it then stays text). Only names of 2–32 `a-z 0-9 _` are asked about.
	 */
	customEmoji?: (name: string) => string | null;
}

interface Env extends MarkdownEnv {
	customEmoji?: RenderOptions['customEmoji'];
}

/**
 * `:name:` in text becomes a `custom_emoji` token (not in code, and not in the text of a
 * bare URL made into a link). Runs before `text_join`, so an escaped colon (`\:name:`)
 * stays text.
 */
function customEmojiRule(state: StateCore): void {
	const lookup = (state.env as Env).customEmoji;
	if (!lookup) return;
	// One render's answers (a name may occur many times).
	const urls = new Map<string, string | null>();
	const urlOf = (name: string) => {
		if (!urls.has(name)) urls.set(name, lookup(name));
		return urls.get(name) ?? null;
	};
	for (const block of state.tokens) {
		if (block.type !== 'inline' || !block.children) continue;
		const out: Token[] = [];
		let autolink = 0;
		for (const token of block.children) {
			if (token.type === 'link_open' && token.info === 'auto') autolink++;
			if (token.type === 'link_close' && token.info === 'auto') autolink--;
			if (token.type !== 'text' || autolink > 0 || !token.content.includes(':')) {
				out.push(token);
				continue;
			}
			for (const part of splitCustomEmoji(token.content, (name) => urlOf(name) !== null)) {
				if ('text' in part) {
					const text = new state.Token('text', '', 0);
					text.content = part.text;
					out.push(text);
				} else {
					const emoji = new state.Token('custom_emoji', 'img', 0);
					emoji.content = part.emoji;
					emoji.attrSet('src', urlOf(part.emoji)!);
					out.push(emoji);
				}
			}
		}
		block.children = out;
	}
}

md.core.ruler.before('text_join', 'custom_emoji', customEmojiRule);

md.renderer.rules.custom_emoji = (tokens, index) => {
	const token = tokens[index]!;
	// The name is `[a-z0-9_]{2,32}` (checked before the lookup); both are escaped anyway.
	const name = escapeHtml(`:${token.content}:`);
	const src = escapeHtml(String(token.attrGet('src') ?? ''));
	return `<img class="custom-emoji" src="${src}" alt="${name}" title="${name}" draggable="false">`;
};

/** HTML for a message's markdown; safe to insert as it is. */
export function renderMarkdown(source: string, options: RenderOptions = {}): string {
	const env: Env = { customEmoji: options.customEmoji };
	return md.render(source, env);
}
