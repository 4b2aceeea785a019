/**
 * Windowing for long lists with rows of different heights: which rows to render for a
 * scroll position, and where to scroll so that a chosen row stays put while the rows
 * around it change (measured heights replacing estimates, pages added above or below).
 * Pure functions over `offsets`, the top of every row plus the total height at the end.
 */

/** Rows `start` (included) to `end` (excluded). */
export interface Range {
	start: number;
	end: number;
}

/**
 * The row the reader is looking at and how far the top of the view is below that row's
 * top, in pixels. Kept across changes, it says where to scroll to keep the view still.
 */
export interface Anchor {
	key: string;
	delta: number;
}

/** `offsets[i]` is the top of row `i`; `offsets[heights.length]` is the total height. */
export function prefixOffsets(heights: readonly number[]): number[] {
	const offsets = new Array<number>(heights.length + 1);
	offsets[0] = 0;
	for (let i = 0; i < heights.length; i += 1) offsets[i + 1] = offsets[i]! + heights[i]!;
	return offsets;
}

/** The index of the row that covers `y` (clamped to the rows; -1 when there are none). */
export function rowAt(offsets: readonly number[], y: number): number {
	const count = offsets.length - 1;
	if (count <= 0) return -1;
	let low = 0;
	let high = count - 1;
	// The last row whose top is at or above y.
	while (low < high) {
		const middle = (low + high + 1) >> 1;
		if (offsets[middle]! <= y) low = middle;
		else high = middle - 1;
	}
	return low;
}

/**
 * The rows that intersect the view from `top` to `top + height`, widened by `overscan`
 * pixels on both sides so that short scrolls and keyboard focus find rows already there.
 */
export function visibleRange(
	offsets: readonly number[],
	top: number,
	height: number,
	overscan: number
): Range {
	const count = offsets.length - 1;
	if (count <= 0) return { start: 0, end: 0 };
	const start = rowAt(offsets, Math.max(0, top - overscan));
	const last = rowAt(offsets, top + height + overscan);
	return { start, end: Math.min(count, last + 1) };
}

/** `range` stretched to include `index` (e.g. the row holding keyboard focus). */
export function includeIndex(range: Range, index: number): Range {
	if (index < 0) return range;
	return { start: Math.min(range.start, index), end: Math.max(range.end, index + 1) };
}

/**
 * The anchor for a view whose top is at `top` (in the rows' coordinates): the row there,
 * or the first one below it that is `stable` (rows that can move between others, such
 * as a day's separator when that day's older messages arrive, make poor anchors).
 */
export function anchorAt(
	offsets: readonly number[],
	keys: readonly string[],
	top: number,
	stable: (index: number) => boolean = () => true
): Anchor | null {
	let index = rowAt(offsets, top);
	if (index < 0) return null;
	while (index < keys.length - 1 && !stable(index)) index += 1;
	return { key: keys[index]!, delta: top - offsets[index]! };
}

/** Where the top of the view must be for `anchor` (now row `index`) to look as it did. */
export function anchoredTop(offsets: readonly number[], index: number, anchor: Anchor): number {
	return offsets[index]! + anchor.delta;
}
