/**
 * The crop geometry, free of the DOM. The crop frame has a fixed aspect (1 for avatars
 * and icons, 3 for banners); the image moves and zooms under it and always covers it.
 * A view is the zoom (1: the image just covers the frame) and the image point shown at
 * the frame's centre, in image pixels, so it does not depend on how large the frame is
 * drawn (a phone and a desktop crop the same region).
 */

export interface Size {
	width: number;
	height: number;
}

export interface Point {
	x: number;
	y: number;
}

export interface Rect extends Point, Size {}

export interface CropView {
	zoom: number;
	/** The image point at the frame's centre. */
	cx: number;
	cy: number;
}

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 4;

/** The largest region of the frame's aspect the image holds: what zoom 1 shows. */
export function coverSize(image: Size, aspect: number): Size {
	return image.width / image.height > aspect
		? { width: image.height * aspect, height: image.height }
		: { width: image.width, height: image.width / aspect };
}

/** The region of the image the frame shows at `zoom`, in image pixels. */
export function cropSize(image: Size, aspect: number, zoom: number): Size {
	const cover = coverSize(image, aspect);
	return { width: cover.width / zoom, height: cover.height / zoom };
}

/** The whole of the middle of the image. */
export function initialView(image: Size): CropView {
	return { zoom: MIN_ZOOM, cx: image.width / 2, cy: image.height / 2 };
}

function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, value));
}

/** The view with its zoom in range and its centre placed so the frame stays on the image. */
export function clampView(
	view: CropView,
	image: Size,
	aspect: number,
	maxZoom = MAX_ZOOM
): CropView {
	const zoom = clamp(Number.isFinite(view.zoom) ? view.zoom : MIN_ZOOM, MIN_ZOOM, maxZoom);
	const crop = cropSize(image, aspect, zoom);
	return {
		zoom,
		cx: clamp(view.cx, crop.width / 2, image.width - crop.width / 2),
		cy: clamp(view.cy, crop.height / 2, image.height - crop.height / 2)
	};
}

/**
 * Moves the image by `delta` screen pixels on a frame drawn `frameWidth` pixels wide:
 * dragging right shows more of the image's left side.
 */
export function moveBy(
	view: CropView,
	image: Size,
	aspect: number,
	delta: Point,
	frameWidth: number
): CropView {
	const perScreenPixel = cropSize(image, aspect, view.zoom).width / frameWidth;
	return clampView(
		{ ...view, cx: view.cx - delta.x * perScreenPixel, cy: view.cy - delta.y * perScreenPixel },
		image,
		aspect
	);
}

/**
 * Zooms to `zoom` keeping the image point under `anchor` where it is. The anchor is a
 * place in the frame as a fraction of its size from its centre (-0.5 … 0.5; the
 * centre by default), e.g. under the mouse wheel or between two fingers.
 */
export function zoomAround(
	view: CropView,
	image: Size,
	aspect: number,
	zoom: number,
	anchor: Point = { x: 0, y: 0 },
	maxZoom = MAX_ZOOM
): CropView {
	const next = clamp(zoom, MIN_ZOOM, maxZoom);
	const before = cropSize(image, aspect, view.zoom);
	const after = cropSize(image, aspect, next);
	const px = view.cx + anchor.x * before.width;
	const py = view.cy + anchor.y * before.height;
	return clampView(
		{ zoom: next, cx: px - anchor.x * after.width, cy: py - anchor.y * after.height },
		image,
		aspect,
		maxZoom
	);
}

/** The region to cut out, in whole image pixels, inside the image. */
export function cropRect(view: CropView, image: Size, aspect: number): Rect {
	const crop = cropSize(image, aspect, view.zoom);
	const width = Math.max(1, Math.min(image.width, Math.round(crop.width)));
	const height = Math.max(1, Math.min(image.height, Math.round(crop.height)));
	return {
		x: clamp(Math.round(view.cx - crop.width / 2), 0, image.width - width),
		y: clamp(Math.round(view.cy - crop.height / 2), 0, image.height - height),
		width,
		height
	};
}

/**
 * The size of the image to upload for a cut-out region: `target` (e.g. 512×512), or
 * smaller with the same shape when the region has fewer pixels (never enlarged).
 */
export function outputSize(region: Size, target: Size): Size {
	const factor = Math.min(1, region.width / target.width, region.height / target.height);
	return {
		width: Math.max(1, Math.round(target.width * factor)),
		height: Math.max(1, Math.round(target.height * factor))
	};
}

/** Where to draw the whole image, in screen pixels, for a frame of `frame` size. */
export function imageLayout(view: CropView, image: Size, aspect: number, frame: Size): Rect {
	const scale = frame.width / cropSize(image, aspect, view.zoom).width;
	return {
		x: frame.width / 2 - view.cx * scale,
		y: frame.height / 2 - view.cy * scale,
		width: image.width * scale,
		height: image.height * scale
	};
}
