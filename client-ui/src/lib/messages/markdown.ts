/**
 * Message markdown, rendered safely: markdown-it with raw HTML off (tags are shown as
 * text), links only to http, https and mailto (anything else stays plain text), every
 * link opening in a new tab without an opener or referrer, images shown as links (no
 * remote loads), and fenced code highlighted by highlight.js for common languages.
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
import MarkdownIt from 'markdown-it';

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

/** HTML for a message's markdown; safe to insert as it is. */
export function renderMarkdown(source: string): string {
	return md.render(source);
}
