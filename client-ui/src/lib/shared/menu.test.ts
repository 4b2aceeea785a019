import { describe, expect, it } from 'vitest';
import { menuKeyTarget, menuPosition } from './menu';

describe('menuKeyTarget', () => {
	it('moves down and up, wrapping at both ends', () => {
		expect(menuKeyTarget('ArrowDown', 0, 3)).toBe(1);
		expect(menuKeyTarget('ArrowDown', 2, 3)).toBe(0);
		expect(menuKeyTarget('ArrowUp', 0, 3)).toBe(2);
		expect(menuKeyTarget('ArrowUp', 2, 3)).toBe(1);
	});

	it('jumps to the first and last item', () => {
		expect(menuKeyTarget('Home', 2, 3)).toBe(0);
		expect(menuKeyTarget('End', 0, 3)).toBe(2);
	});

	it('ignores other keys and empty menus', () => {
		expect(menuKeyTarget('a', 0, 3)).toBeNull();
		expect(menuKeyTarget('ArrowDown', 0, 0)).toBeNull();
	});
});

describe('menuPosition', () => {
	const viewport = { width: 1000, height: 800 };
	const menu = { width: 200, height: 150 };
	const anchor = { top: 100, bottom: 130, left: 700, right: 730 };

	it('opens under the button, aligned with its right edge', () => {
		expect(menuPosition(anchor, menu, viewport)).toEqual({ x: 530, y: 134 });
	});

	it('opens above the button near the bottom of the window', () => {
		const low = { top: 700, bottom: 730, left: 700, right: 730 };
		expect(menuPosition(low, menu, viewport)).toEqual({ x: 530, y: 546 });
	});

	it('opens at the pointer for a right-click', () => {
		expect(menuPosition(anchor, menu, viewport, { x: 300, y: 200 })).toEqual({ x: 300, y: 200 });
	});

	it('stays inside a phone-wide window', () => {
		const phone = { width: 375, height: 700 };
		const left = { top: 100, bottom: 130, left: 10, right: 40 };
		expect(menuPosition(left, menu, phone)).toEqual({ x: 8, y: 134 });
		expect(menuPosition(anchor, menu, phone, { x: 360, y: 690 })).toEqual({ x: 167, y: 540 });
	});
});
