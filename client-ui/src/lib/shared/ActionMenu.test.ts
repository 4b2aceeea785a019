import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import ActionMenu from './ActionMenu.svelte';

const items = [
	{ id: 'warn', label: 'Warn' },
	{ id: 'kick', label: 'Kick', danger: true },
	{ id: 'ban', label: 'Ban', danger: true }
];

async function setup(initialFocus: 'first' | 'last' = 'first') {
	const anchor = document.createElement('button');
	document.body.append(anchor);
	const onselect = vi.fn();
	const onclose = vi.fn();
	render(ActionMenu, {
		props: { id: 'menu', label: 'Actions for Bob', items, anchor, initialFocus, onselect, onclose }
	});
	// The first item takes focus once the menu is placed.
	await tick();
	return { anchor, onselect, onclose, menu: screen.getByRole('menu', { name: 'Actions for Bob' }) };
}

describe('ActionMenu', () => {
	it('opens on its first item and moves with the arrow keys, Home and End', async () => {
		const { menu } = await setup();
		const item = (name: string) => screen.getByRole('menuitem', { name });
		expect(item('Warn')).toHaveFocus();
		await fireEvent.keyDown(menu, { key: 'ArrowDown' });
		expect(item('Kick')).toHaveFocus();
		await fireEvent.keyDown(menu, { key: 'End' });
		expect(item('Ban')).toHaveFocus();
		await fireEvent.keyDown(menu, { key: 'ArrowDown' });
		expect(item('Warn')).toHaveFocus();
		await fireEvent.keyDown(menu, { key: 'ArrowUp' });
		expect(item('Ban')).toHaveFocus();
		await fireEvent.keyDown(menu, { key: 'Home' });
		expect(item('Warn')).toHaveFocus();
	});

	it('can open on its last item', async () => {
		await setup('last');
		expect(screen.getByRole('menuitem', { name: 'Ban' })).toHaveFocus();
	});

	it('picks an item by click', async () => {
		const { onselect } = await setup();
		await fireEvent.click(screen.getByRole('menuitem', { name: 'Kick' }));
		expect(onselect).toHaveBeenCalledWith('kick');
	});

	it('closes on Escape with focus back on its button, and on a click elsewhere without', async () => {
		const { menu, onclose, anchor } = await setup();
		await fireEvent.keyDown(menu, { key: 'Escape' });
		expect(onclose).toHaveBeenLastCalledWith(true);
		await fireEvent.pointerDown(anchor);
		expect(onclose).toHaveBeenCalledTimes(1);
		await fireEvent.pointerDown(document.body);
		expect(onclose).toHaveBeenLastCalledWith(false);
	});
});
