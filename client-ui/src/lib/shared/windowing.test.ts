import { describe, expect, it } from 'vitest';
import {
	anchorAt,
	anchoredTop,
	includeIndex,
	prefixOffsets,
	rowAt,
	visibleRange
} from './windowing';

describe('prefixOffsets', () => {
	it('gives every row its top and the total at the end', () => {
		expect(prefixOffsets([10, 20, 30])).toEqual([0, 10, 30, 60]);
		expect(prefixOffsets([])).toEqual([0]);
	});
});

describe('rowAt', () => {
	const offsets = prefixOffsets([10, 20, 30]);

	it('finds the row covering a position', () => {
		expect(rowAt(offsets, 0)).toBe(0);
		expect(rowAt(offsets, 9.5)).toBe(0);
		expect(rowAt(offsets, 10)).toBe(1);
		expect(rowAt(offsets, 29)).toBe(1);
		expect(rowAt(offsets, 30)).toBe(2);
	});

	it('clamps positions outside the rows', () => {
		expect(rowAt(offsets, -50)).toBe(0);
		expect(rowAt(offsets, 60)).toBe(2);
		expect(rowAt(offsets, 1000)).toBe(2);
		expect(rowAt([0], 10)).toBe(-1);
	});
});

describe('visibleRange', () => {
	// 100 rows of 50 px: 5000 px in all.
	const offsets = prefixOffsets(new Array<number>(100).fill(50));

	it('covers the view and the overscan on both sides', () => {
		expect(visibleRange(offsets, 1000, 500, 0)).toEqual({ start: 20, end: 31 });
		expect(visibleRange(offsets, 1000, 500, 200)).toEqual({ start: 16, end: 35 });
	});

	it('stops at the ends', () => {
		expect(visibleRange(offsets, 0, 500, 1000)).toEqual({ start: 0, end: 31 });
		expect(visibleRange(offsets, 4500, 500, 1000)).toEqual({ start: 70, end: 100 });
		expect(visibleRange(prefixOffsets([]), 0, 500, 100)).toEqual({ start: 0, end: 0 });
	});

	it('renders a few rows of a long list, whatever its length', () => {
		const long = prefixOffsets(new Array<number>(100_000).fill(40));
		const range = visibleRange(long, 2_000_000, 800, 800);
		expect(range.end - range.start).toBeLessThanOrEqual(62);
	});

	it('handles rows of very different heights', () => {
		const mixed = prefixOffsets([40, 400, 20, 20, 20, 600, 40]);
		// The view from 450 to 550 sees the rows at 440–460, 460–480 and 480–1080.
		expect(visibleRange(mixed, 450, 100, 0)).toEqual({ start: 2, end: 6 });
	});
});

describe('includeIndex', () => {
	it('stretches a range to a row outside it', () => {
		expect(includeIndex({ start: 10, end: 20 }, 4)).toEqual({ start: 4, end: 20 });
		expect(includeIndex({ start: 10, end: 20 }, 25)).toEqual({ start: 10, end: 26 });
		expect(includeIndex({ start: 10, end: 20 }, 12)).toEqual({ start: 10, end: 20 });
		expect(includeIndex({ start: 10, end: 20 }, -1)).toEqual({ start: 10, end: 20 });
	});
});

describe('anchors', () => {
	const keys = ['a', 'b', 'c', 'd'];

	it('name the row at the top of the view and the distance into it', () => {
		expect(anchorAt(prefixOffsets([10, 20, 30, 40]), keys, 15)).toEqual({ key: 'b', delta: 5 });
		expect(anchorAt([0], [], 0)).toBeNull();
	});

	it('skip rows that may move, such as separators', () => {
		const offsets = prefixOffsets([10, 20, 30, 40]);
		const separator = (index: number) => index === 1;
		expect(anchorAt(offsets, keys, 15, (i) => !separator(i))).toEqual({ key: 'c', delta: -15 });
	});

	it('keep the view still when rows are added above', () => {
		const before = prefixOffsets([10, 20, 30, 40]);
		const anchor = anchorAt(before, keys, 35)!; // 5 px into "c"
		// Two older rows of 50 px arrive on top: "c" is now row 4.
		const after = prefixOffsets([50, 50, 10, 20, 30, 40]);
		expect(anchoredTop(after, 4, anchor)).toBe(135);
	});

	it('keep the view still when a row above is measured taller than estimated', () => {
		const anchor = anchorAt(prefixOffsets([10, 20, 30, 40]), keys, 65)!; // 5 px into "d"
		expect(anchoredTop(prefixOffsets([10, 80, 30, 40]), 3, anchor)).toBe(125);
	});
});
