import { describe, expect, it, vi } from 'vitest';
import { dropTarget } from './drop-target';

/** jsdom has no DragEvent with a DataTransfer: an event carrying these types and files. */
function drag(type: string, types: string[], files: File[] = []) {
	const event = new Event(type, { bubbles: true, cancelable: true }) as DragEvent;
	Object.defineProperty(event, 'dataTransfer', {
		value: { types, files, dropEffect: 'none' }
	});
	return event;
}

function setup(enabled = true) {
	const node = document.createElement('div');
	const child = document.createElement('p');
	node.append(child);
	document.body.append(node);
	const onfiles = vi.fn();
	const states: boolean[] = [];
	const cleanup = dropTarget({
		onfiles,
		ondragging: (active) => states.push(active),
		enabled: () => enabled
	})(node);
	return { node, child, onfiles, states, cleanup };
}

describe('dropTarget', () => {
	it('shows the zone while files are over it, across children, and takes the drop', () => {
		const { node, child, onfiles, states } = setup();
		const file = new File(['x'], 'a.txt');
		const enter = drag('dragenter', ['Files']);
		node.dispatchEvent(enter);
		expect(enter.defaultPrevented).toBe(true);
		child.dispatchEvent(drag('dragenter', ['Files']));
		node.dispatchEvent(drag('dragleave', ['Files']));
		expect(states).toEqual([true]);
		const over = drag('dragover', ['Files']);
		child.dispatchEvent(over);
		expect(over.defaultPrevented).toBe(true);
		const drop = drag('drop', ['Files'], [file]);
		child.dispatchEvent(drop);
		expect(drop.defaultPrevented).toBe(true);
		expect(states).toEqual([true, false]);
		expect(onfiles).toHaveBeenCalledWith([file]);
	});

	it('hides the zone when the files leave', () => {
		const { node, states, onfiles } = setup();
		node.dispatchEvent(drag('dragenter', ['Files']));
		node.dispatchEvent(drag('dragleave', ['Files']));
		expect(states).toEqual([true, false]);
		expect(onfiles).not.toHaveBeenCalled();
	});

	it('leaves drags of text and links alone', () => {
		const { node, states } = setup();
		const enter = drag('dragenter', ['text/plain']);
		node.dispatchEvent(enter);
		const drop = drag('drop', ['text/plain']);
		node.dispatchEvent(drop);
		expect(enter.defaultPrevented).toBe(false);
		expect(drop.defaultPrevented).toBe(false);
		expect(states).toEqual([]);
	});

	it('ignores files while disabled, but keeps the browser from opening them', () => {
		const { node, states, onfiles } = setup(false);
		node.dispatchEvent(drag('dragenter', ['Files']));
		const drop = drag('drop', ['Files'], [new File(['x'], 'a.txt')]);
		node.dispatchEvent(drop);
		expect(drop.defaultPrevented).toBe(true);
		expect(states).toEqual([]);
		expect(onfiles).not.toHaveBeenCalled();
	});

	it('stops listening when removed', () => {
		const { node, states, cleanup } = setup();
		cleanup();
		node.dispatchEvent(drag('dragenter', ['Files']));
		expect(states).toEqual([]);
	});
});
