/**
 * The pure parts of a menu button's menu (WAI-ARIA "menu button" pattern): which item
 * a key moves to, and where the floating menu goes on screen.
 */

export interface MenuItem {
	id: string;
	label: string;
	/** Drawn in the danger colour (removing or banning someone). */
	danger?: boolean;
}

/** The item a key moves focus to among `count` items, or null for other keys. */
export function menuKeyTarget(key: string, current: number, count: number): number | null {
	if (count === 0) return null;
	switch (key) {
		case 'ArrowDown':
			return (current + 1) % count;
		case 'ArrowUp':
			return (current - 1 + count) % count;
		case 'Home':
			return 0;
		case 'End':
			return count - 1;
		default:
			return null;
	}
}

export interface Point {
	x: number;
	y: number;
}

export interface Size {
	width: number;
	height: number;
}

type Rect = Pick<DOMRect, 'top' | 'bottom' | 'left' | 'right'>;

/** Kept between the menu and the edges of the window. */
const MARGIN = 8;
/** Between the button and its menu. */
const GAP = 4;

/**
 * Where a menu of `menu` size goes, in window coordinates: under its button and aligned
 * with its right edge, or at the pointer for a right-click; above instead when it would
 * not fit below, and always inside the window (phones are narrow).
 */
export function menuPosition(
	anchor: Rect,
	menu: Size,
	viewport: Size,
	point?: Point | null
): Point {
	let x = point ? point.x : anchor.right - menu.width;
	let y = point ? point.y : anchor.bottom + GAP;
	if (y + menu.height > viewport.height - MARGIN) {
		const above = point ? point.y - menu.height : anchor.top - GAP - menu.height;
		if (above >= MARGIN) y = above;
	}
	x = clamp(x, MARGIN, viewport.width - menu.width - MARGIN);
	y = clamp(y, MARGIN, viewport.height - menu.height - MARGIN);
	return { x, y };
}

function clamp(value: number, min: number, max: number): number {
	return Math.max(min, Math.min(value, Math.max(min, max)));
}
