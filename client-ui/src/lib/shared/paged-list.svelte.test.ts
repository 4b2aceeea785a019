import { describe, expect, it } from 'vitest';
import { PagedList } from './paged-list.svelte';

const item = (id: string) => ({ id });

describe('PagedList', () => {
	it('loads the first page, then the one before its last item', async () => {
		const asked: (string | undefined)[] = [];
		const list = new PagedList(
			async (before) => {
				asked.push(before);
				return before ? [item('c')] : [item('a'), item('b')];
			},
			2,
			String
		);
		await list.load();
		expect(list.items).toEqual([item('a'), item('b')]);
		expect(list.hasMore).toBe(true);
		await list.load(true);
		expect(asked).toEqual([undefined, 'b']);
		expect(list.items?.map((i) => i.id)).toEqual(['a', 'b', 'c']);
		expect(list.hasMore).toBe(false);
		expect(list.loading).toBe(false);
	});

	it('keeps what it showed when a page fails, with the reason', async () => {
		let fail = false;
		const list = new PagedList(
			async () => {
				if (fail) throw new Error('offline');
				return [item('a')];
			},
			50,
			String
		);
		await list.load();
		fail = true;
		await list.load(true);
		expect(list.items).toEqual([item('a')]);
		expect(list.error).toBe('Error: offline');
		expect(list.loading).toBe(false);
	});

	it('ignores an answer that a newer request overtook', async () => {
		const answers: ((items: { id: string }[]) => void)[] = [];
		const list = new PagedList(
			() => new Promise<{ id: string }[]>((done) => answers.push(done)),
			50,
			String
		);
		const first = list.load();
		const second = list.load();
		answers[1]!([item('new')]);
		answers[0]!([item('old')]);
		await Promise.all([first, second]);
		expect(list.items).toEqual([item('new')]);
	});

	it('changes the items in place, once there are some', async () => {
		const list = new PagedList(async () => [item('a')], 50, String);
		list.update((items) => [...items, item('x')]);
		expect(list.items).toBeNull();
		await list.load();
		list.update((items) => [item('z'), ...items]);
		expect(list.items?.map((i) => i.id)).toEqual(['z', 'a']);
	});
});
