/**
 * The measured heights of a windowed list's rendered rows, by row key. Each rendered row
 * is watched for size changes (late images, edits, a wider window) while it is in the
 * DOM; `onresize` asks the list to measure again. Heights include vertical margins, so
 * the rows must not collapse margins with each other (a flex column does not).
 */
export class RowSizes {
	private readonly sizes = new Map<string, number>();
	private readonly observed = new Set<Element>();
	private readonly observer: ResizeObserver;
	private readonly keyOf: (row: HTMLElement) => string | undefined;

	constructor(keyOf: (row: HTMLElement) => string | undefined, onresize: () => void) {
		this.keyOf = keyOf;
		this.observer = new ResizeObserver(onresize);
	}

	get(key: string): number | undefined {
		return this.sizes.get(key);
	}

	/** Reads the heights of `container`'s rows; true when any changed. */
	measure(container: Element): boolean {
		let changed = false;
		const current = new Set<Element>();
		for (const element of container.children) {
			const row = element as HTMLElement;
			const key = this.keyOf(row);
			if (key === undefined) continue;
			current.add(row);
			if (!this.observed.has(row)) {
				this.observed.add(row);
				this.observer.observe(row);
			}
			const style = getComputedStyle(row);
			const size =
				row.getBoundingClientRect().height +
				parseFloat(style.marginTop) +
				parseFloat(style.marginBottom);
			if (Math.abs((this.sizes.get(key) ?? -1) - size) > 0.5) {
				this.sizes.set(key, size);
				changed = true;
			}
		}
		for (const row of this.observed) {
			if (current.has(row)) continue;
			this.observed.delete(row);
			this.observer.unobserve(row);
		}
		return changed;
	}

	/** Forgets rows that left the list, once they are many. */
	prune(count: number, has: (key: string) => boolean): void {
		if (this.sizes.size <= 2 * count + 100) return;
		for (const key of this.sizes.keys()) if (!has(key)) this.sizes.delete(key);
	}

	disconnect(): void {
		this.observer.disconnect();
		this.observed.clear();
	}
}
