import { describe, expect, it } from 'vitest';
import {
	clampView,
	coverSize,
	cropRect,
	cropSize,
	imageLayout,
	initialView,
	MAX_ZOOM,
	moveBy,
	outputSize,
	zoomAround
} from './crop';

const wide = { width: 1200, height: 600 };
const tall = { width: 600, height: 1200 };

describe('coverSize', () => {
	it('is the largest region of the aspect inside the image', () => {
		expect(coverSize(wide, 1)).toEqual({ width: 600, height: 600 });
		expect(coverSize(tall, 1)).toEqual({ width: 600, height: 600 });
		expect(coverSize(wide, 3)).toEqual({ width: 1200, height: 400 });
		// Narrower than a banner: the full height is not available.
		expect(coverSize({ width: 900, height: 600 }, 3)).toEqual({ width: 900, height: 300 });
	});
});

describe('clampView', () => {
	it('keeps the frame on the image at zoom 1 (only the long side can move)', () => {
		const view = clampView({ zoom: 1, cx: 0, cy: 0 }, wide, 1);
		expect(view).toEqual({ zoom: 1, cx: 300, cy: 300 });
		expect(clampView({ zoom: 1, cx: 5000, cy: 5000 }, wide, 1)).toEqual({
			zoom: 1,
			cx: 900,
			cy: 300
		});
	});

	it('keeps the zoom between 1 and the maximum', () => {
		expect(clampView({ zoom: 0.2, cx: 600, cy: 300 }, wide, 1).zoom).toBe(1);
		expect(clampView({ zoom: 99, cx: 600, cy: 300 }, wide, 1).zoom).toBe(MAX_ZOOM);
		expect(clampView({ zoom: Number.NaN, cx: 600, cy: 300 }, wide, 1).zoom).toBe(1);
	});

	it('lets a zoomed view move within the image', () => {
		// At zoom 2 the square crop is 300 px: its centre stays 150 px from the edges.
		expect(clampView({ zoom: 2, cx: 0, cy: 599 }, wide, 1)).toEqual({
			zoom: 2,
			cx: 150,
			cy: 450
		});
	});
});

describe('moveBy', () => {
	it('moves against the drag, scaled from screen to image pixels', () => {
		const start = { zoom: 2, cx: 600, cy: 300 };
		// The frame is drawn 300 px wide for a 300 px crop: one screen pixel is one image pixel.
		expect(moveBy(start, wide, 1, { x: 40, y: -20 }, 300)).toEqual({ zoom: 2, cx: 560, cy: 320 });
		// Drawn 150 px wide: each screen pixel is two image pixels.
		expect(moveBy(start, wide, 1, { x: 40, y: 0 }, 150)).toEqual({ zoom: 2, cx: 520, cy: 300 });
	});

	it('stops at the edges', () => {
		const moved = moveBy(initialView(wide), wide, 1, { x: -10_000, y: 10_000 }, 300);
		expect(moved).toEqual({ zoom: 1, cx: 900, cy: 300 });
	});
});

describe('zoomAround', () => {
	it('zooms around the centre by default', () => {
		const view = zoomAround(initialView(wide), wide, 1, 2);
		expect(view).toEqual({ zoom: 2, cx: 600, cy: 300 });
		expect(cropSize(wide, 1, view.zoom)).toEqual({ width: 300, height: 300 });
	});

	it('keeps the image point under the anchor in place', () => {
		const start = { zoom: 2, cx: 600, cy: 300 };
		// The anchor a quarter of the frame right of the centre shows image x = 600 + 75.
		const anchor = { x: 0.25, y: 0 };
		const view = zoomAround(start, wide, 1, 3, anchor);
		const crop = cropSize(wide, 1, view.zoom);
		expect(view.cx + anchor.x * crop.width).toBeCloseTo(675);
		expect(view.cy).toBe(300);
	});

	it('clamps the zoom and the position when zooming out near an edge', () => {
		const start = { zoom: 3, cx: 1100, cy: 500 };
		const view = zoomAround(clampView(start, wide, 1), wide, 1, 0.5, { x: 0.5, y: 0.5 });
		expect(view).toEqual({ zoom: 1, cx: 900, cy: 300 });
	});
});

describe('cropRect', () => {
	it('is the region under the frame, in whole pixels inside the image', () => {
		expect(cropRect(initialView(wide), wide, 1)).toEqual({ x: 300, y: 0, width: 600, height: 600 });
		expect(cropRect({ zoom: 2, cx: 150, cy: 150 }, wide, 1)).toEqual({
			x: 0,
			y: 0,
			width: 300,
			height: 300
		});
		expect(cropRect(initialView(wide), wide, 3)).toEqual({
			x: 0,
			y: 100,
			width: 1200,
			height: 400
		});
	});

	it('rounds without leaving the image', () => {
		const odd = { width: 333, height: 101 };
		const rect = cropRect(clampView({ zoom: 3, cx: 1000, cy: 1000 }, odd, 1), odd, 1);
		expect(rect.x + rect.width).toBeLessThanOrEqual(333);
		expect(rect.y + rect.height).toBeLessThanOrEqual(101);
		expect(rect.width).toBe(rect.height);
	});
});

describe('outputSize', () => {
	it('is the target size for large regions', () => {
		expect(outputSize({ width: 2000, height: 2000 }, { width: 512, height: 512 })).toEqual({
			width: 512,
			height: 512
		});
		expect(outputSize({ width: 3000, height: 1000 }, { width: 1500, height: 500 })).toEqual({
			width: 1500,
			height: 500
		});
	});

	it('never enlarges a small region and keeps the shape', () => {
		expect(outputSize({ width: 200, height: 200 }, { width: 512, height: 512 })).toEqual({
			width: 200,
			height: 200
		});
		expect(outputSize({ width: 600, height: 200 }, { width: 1500, height: 500 })).toEqual({
			width: 600,
			height: 200
		});
	});
});

describe('imageLayout', () => {
	it('draws the image so the view centre is at the frame centre', () => {
		const frame = { width: 300, height: 300 };
		const layout = imageLayout({ zoom: 1, cx: 600, cy: 300 }, wide, 1, frame);
		// 600 image px fill 300 screen px: the image is drawn at half size.
		expect(layout).toEqual({ x: -150, y: 0, width: 600, height: 300 });
		const zoomed = imageLayout({ zoom: 2, cx: 150, cy: 150 }, wide, 1, frame);
		expect(zoomed).toEqual({ x: 0, y: 0, width: 1200, height: 600 });
	});
});
