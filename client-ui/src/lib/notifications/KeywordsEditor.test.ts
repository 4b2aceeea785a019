import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Api } from '$api/client';
import KeywordsEditor from './KeywordsEditor.svelte';
import { DEFAULT_SETTINGS } from './rules';
import { NotificationPrefs } from './settings.svelte';

function prefsWithServer() {
	const sent: unknown[] = [];
	let current = { ...DEFAULT_SETTINGS };
	const PATCH = async (_: string, init: { body: { keywords: string[] } }) => {
		sent.push(init.body);
		current = { ...current, keywords: init.body.keywords };
		return { data: current, response: new Response(null, { status: 200 }) };
	};
	return { prefs: new NotificationPrefs({ PATCH } as unknown as Api), sent };
}

describe('KeywordsEditor', () => {
	it('adds valid keywords, says what is wrong with others, and removes them', async () => {
		const { prefs, sent } = prefsWithServer();
		const user = userEvent.setup();
		render(KeywordsEditor, { prefs });
		const field = screen.getByRole('textbox', { name: 'New keyword' });

		await user.type(field, 'x{Enter}');
		expect(screen.getByText('A keyword needs at least 2 characters.')).toBeInTheDocument();
		expect(field).toHaveAttribute('aria-invalid', 'true');
		expect(sent).toEqual([]);

		await user.clear(field);
		await user.type(field, ' deploy {Enter}');
		expect(await screen.findByRole('listitem')).toHaveTextContent('deploy');
		expect(field).toHaveValue('');
		expect(sent).toEqual([{ keywords: ['deploy'] }]);
		expect(screen.getByText('1 of 25 keywords')).toBeInTheDocument();

		await user.type(field, 'DEPLOY{Enter}');
		expect(screen.getByText('That keyword is already on the list.')).toBeInTheDocument();

		await user.click(screen.getByRole('button', { name: 'Remove keyword deploy' }));
		expect(sent).toEqual([{ keywords: ['deploy'] }, { keywords: [] }]);
		expect(screen.queryByRole('listitem')).toBeNull();
		prefs.stop();
	});
});
