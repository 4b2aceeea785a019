/**
 * Makes an element accept files dragged from the desktop, as a Svelte attachment:
 *
 *     <div {@attach dropTarget({ onfiles, ondragging })}>
 *
 * `ondragging(true)` fires when files enter the element (show a drop zone), `false` when
 * they leave it or are dropped. Drags of anything but files (text, links) are left alone.
 */
export interface DropTargetOptions {
	onfiles: (files: File[]) => void;
	ondragging: (active: boolean) => void;
	/** Checked on every event; a disabled target ignores drags. */
	enabled?: () => boolean;
}

/** Whether a drag carries files. */
export function carriesFiles(event: DragEvent): boolean {
	const types = event.dataTransfer?.types;
	return !!types && Array.from(types).includes('Files');
}

export function dropTarget(options: DropTargetOptions) {
	return (node: HTMLElement) => {
		// dragenter/dragleave fire for every child crossed: count them.
		let depth = 0;
		const enabled = () => options.enabled?.() ?? true;
		const set = (next: number) => {
			const was = depth > 0;
			depth = Math.max(0, next);
			if (was !== depth > 0) options.ondragging(depth > 0);
		};

		const enter = (event: DragEvent) => {
			if (!carriesFiles(event) || !enabled()) return;
			event.preventDefault();
			set(depth + 1);
		};
		const over = (event: DragEvent) => {
			if (!carriesFiles(event) || !enabled()) return;
			// Needed for the drop to happen at all.
			event.preventDefault();
			if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
			if (depth === 0) set(1);
		};
		const leave = (event: DragEvent) => {
			if (!carriesFiles(event) || depth === 0) return;
			set(depth - 1);
		};
		const drop = (event: DragEvent) => {
			if (!carriesFiles(event)) return;
			// Never let the browser open the file in place of the app.
			event.preventDefault();
			set(0);
			if (!enabled()) return;
			const files = Array.from(event.dataTransfer?.files ?? []);
			if (files.length) options.onfiles(files);
		};
		const reset = () => set(0);

		node.addEventListener('dragenter', enter);
		node.addEventListener('dragover', over);
		node.addEventListener('dragleave', leave);
		node.addEventListener('drop', drop);
		// A drag abandoned elsewhere (Escape, dropped outside the window).
		window.addEventListener('dragend', reset);
		return () => {
			node.removeEventListener('dragenter', enter);
			node.removeEventListener('dragover', over);
			node.removeEventListener('dragleave', leave);
			node.removeEventListener('drop', drop);
			window.removeEventListener('dragend', reset);
			set(0);
		};
	};
}
