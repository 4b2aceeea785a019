import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDLE_AFTER_MS, IdleTracker } from './auto-idle';
import { SelfPresence, type ChosenPresence } from './self-presence.svelte';

const MINUTE = 60_000;

function setup() {
	const sent: ChosenPresence[] = [];
	const self = new SelfPresence(async (status) => void sent.push(status));
	const tracker = new IdleTracker({ onidle: () => self.left(), onactive: () => self.returned() });
	const stop = tracker.start(window);
	return { sent, self, tracker, stop };
}

function setVisibility(state: DocumentVisibilityState) {
	Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
	document.dispatchEvent(new Event('visibilitychange'));
}

describe('auto-idle presence', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => {
		vi.useRealTimers();
		setVisibility('visible');
	});

	it('turns online into idle after ten minutes without input, and back at the next', () => {
		const { sent, self, stop } = setup();
		vi.advanceTimersByTime(IDLE_AFTER_MS - 1);
		expect(sent).toEqual([]);
		vi.advanceTimersByTime(1);
		expect(sent).toEqual(['idle']);
		expect(self.current).toBe('idle');
		// Still idle: nothing more is sent.
		vi.advanceTimersByTime(IDLE_AFTER_MS * 3);
		expect(sent).toEqual(['idle']);
		window.dispatchEvent(new KeyboardEvent('keydown'));
		expect(sent).toEqual(['idle', 'online']);
		expect(self.current).toBe('online');
		stop();
	});

	it('counts keyboard and pointer input as presence', () => {
		const { sent, stop } = setup();
		for (let i = 0; i < 5; i++) {
			vi.advanceTimersByTime(8 * MINUTE);
			window.dispatchEvent(new Event(i % 2 ? 'pointerdown' : 'keydown'));
		}
		expect(sent).toEqual([]);
		vi.advanceTimersByTime(10 * MINUTE);
		expect(sent).toEqual(['idle']);
		stop();
	});

	it('goes idle when the tab stays hidden, and comes back with it', () => {
		const { sent, stop } = setup();
		setVisibility('hidden');
		vi.advanceTimersByTime(IDLE_AFTER_MS);
		expect(sent).toEqual(['idle']);
		setVisibility('visible');
		expect(sent).toEqual(['idle', 'online']);
		stop();
	});

	it('never overrides a status the user chose', async () => {
		const { sent, self, stop } = setup();
		for (const status of ['dnd', 'idle', 'invisible'] as const) {
			await self.choose(status);
			vi.advanceTimersByTime(IDLE_AFTER_MS * 2);
			window.dispatchEvent(new KeyboardEvent('keydown'));
			expect(self.current).toBe(status);
		}
		expect(sent).toEqual(['dnd', 'idle', 'invisible']);
		stop();
	});

	it('a choice made while away ends the automatic idle', async () => {
		const { sent, self, stop } = setup();
		vi.advanceTimersByTime(IDLE_AFTER_MS);
		await self.choose('dnd');
		window.dispatchEvent(new KeyboardEvent('keydown'));
		expect(sent).toEqual(['idle', 'dnd']);
		stop();
	});

	it('tells the server again after a reconnection, and stops listening when stopped', () => {
		const { sent, self, stop } = setup();
		self.connected();
		expect(sent).toEqual([]);
		vi.advanceTimersByTime(IDLE_AFTER_MS);
		self.connected();
		expect(sent).toEqual(['idle', 'idle']);
		stop();
		window.dispatchEvent(new KeyboardEvent('keydown'));
		vi.advanceTimersByTime(IDLE_AFTER_MS * 2);
		expect(sent).toEqual(['idle', 'idle']);
	});
});

describe('idle set by another device', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	/** The server announced the user idle (as it does to all their connections). */
	function announceIdle(self: SelfPresence, tracker: IdleTracker) {
		self.announced('idle', tracker.activeWithin());
	}

	it('makes the user online again while this device is in use', () => {
		const { sent, self, tracker, stop } = setup();
		vi.advanceTimersByTime(2 * MINUTE);
		window.dispatchEvent(new KeyboardEvent('keydown'));
		vi.advanceTimersByTime(IDLE_AFTER_MS - 1);
		announceIdle(self, tracker);
		expect(sent).toEqual(['online']);
		// Still the user's choice, and this device never went idle.
		expect(self.current).toBe('online');
		// Other statuses announced are left alone.
		for (const status of ['online', 'dnd', 'offline', 'invisible'] as const) {
			self.announced(status, tracker.activeWithin());
		}
		expect(sent).toEqual(['online']);
		stop();
	});

	it('leaves it idle when this device had no input in the last ten minutes', () => {
		const { sent, self, tracker, stop } = setup();
		// Opened, but never touched.
		vi.advanceTimersByTime(MINUTE);
		announceIdle(self, tracker);
		expect(sent).toEqual([]);
		// Input ten minutes ago is too long ago: this device has gone idle itself.
		window.dispatchEvent(new KeyboardEvent('keydown'));
		vi.advanceTimersByTime(IDLE_AFTER_MS);
		expect(sent).toEqual(['idle']);
		announceIdle(self, tracker);
		expect(sent).toEqual(['idle']);
		// Back at this device: online, and another device's idle is undone again.
		window.dispatchEvent(new Event('pointerdown'));
		expect(sent).toEqual(['idle', 'online']);
		announceIdle(self, tracker);
		expect(sent).toEqual(['idle', 'online', 'online']);
		stop();
	});

	it('respects a status the user chose here', async () => {
		const { sent, self, tracker, stop } = setup();
		for (const status of ['idle', 'dnd', 'invisible'] as const) {
			await self.choose(status);
			window.dispatchEvent(new KeyboardEvent('keydown'));
			announceIdle(self, tracker);
		}
		expect(sent).toEqual(['idle', 'dnd', 'invisible']);
		await self.choose('online');
		window.dispatchEvent(new KeyboardEvent('keydown'));
		announceIdle(self, tracker);
		expect(sent).toEqual(['idle', 'dnd', 'invisible', 'online', 'online']);
		stop();
	});
});
