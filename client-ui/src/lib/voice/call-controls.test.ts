import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '$api/client';
import CallAudio from './CallAudio.svelte';
import { CallEngine } from './call.svelte';
import CallControls from './CallControls.svelte';
import { NativeCallEngine } from './native-call.svelte';
import { VoiceRoster } from './roster.svelte';
import { VoiceSettings } from './settings.svelte';
import VoiceSettingsDialog from './VoiceSettingsDialog.svelte';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({
	invoke: (command: string, args?: unknown) => invoke(command, args),
	isTauri: () => true
}));
vi.mock('@tauri-apps/api/event', () => ({ listen: async () => () => {} }));

const settings = new VoiceSettings(null);

function nativeCall() {
	return new NativeCallEngine({
		selfId: 'me',
		settings,
		tokens: { accessToken: async () => 'token' },
		server: 'https://chat.test'
	});
}

function browserCall() {
	return new CallEngine({
		api: {} as Api,
		realtime: { request: vi.fn(), signal: vi.fn() } as never,
		selfId: 'me',
		roster: new VoiceRoster(),
		settings
	});
}

beforeEach(() => {
	invoke.mockReset();
	// jsdom has no modal dialogs.
	HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
		this.setAttribute('open', '');
	};
});

describe('call controls', () => {
	it('offers the camera and screen sharing only where they can be sent', () => {
		const { unmount } = render(CallControls, { call: nativeCall(), settings, label: 'Call' });
		for (const name of ['Mute', 'Deafen', 'Camera', 'Voice settings', 'Leave call'])
			expect(screen.getByRole('button', { name })).toBeInTheDocument();
		expect(screen.queryByRole('button', { name: 'Share screen' })).toBeNull();
		unmount();

		render(CallControls, { call: browserCall(), settings, label: 'Call' });
		expect(screen.getByRole('button', { name: 'Camera' })).toBeInTheDocument();
	});

	it('plays no audio in the page for a native call', () => {
		const { container } = render(CallAudio, { call: nativeCall(), settings });
		expect(container.querySelector('.voice-audio')).toBeNull();
	});
});

describe('voice settings', () => {
	it("lists the native engine's devices, and only the settings that apply", async () => {
		const lists = {
			inputs: [],
			outputs: [{ id: 'spk-1', name: 'Headphones' }],
			cameras: [{ id: '0', name: 'Webcam' }],
			input: null,
			output: null,
			camera: null
		};
		invoke.mockImplementation(
			async (command: string, args?: { output?: string; camera?: string }) =>
				command === 'voice_select_devices'
					? { ...lists, output: args?.output ?? null, camera: args?.camera ?? null }
					: lists
		);
		render(VoiceSettingsDialog, { open: true, call: nativeCall(), settings });
		expect(await screen.findByText('No microphone found.')).toBeInTheDocument();
		const speaker = screen.getByRole('combobox', { name: 'Speaker' });
		expect(screen.getByRole('option', { name: 'Headphones' })).toBeInTheDocument();
		// The engine's cameras, not the page's.
		const camera = screen.getByRole('combobox', { name: 'Camera' });
		expect(screen.getByRole('option', { name: 'Webcam' })).toBeInTheDocument();
		expect(screen.queryByRole('switch')).toBeNull();
		expect(screen.queryByRole('meter')).toBeNull();

		await userEvent.selectOptions(speaker, 'spk-1');
		expect(invoke).toHaveBeenLastCalledWith('voice_select_devices', {
			input: null,
			output: 'spk-1',
			camera: null
		});
		expect(speaker).toHaveValue('spk-1');
		await userEvent.selectOptions(camera, '0');
		expect(invoke).toHaveBeenLastCalledWith('voice_select_devices', {
			input: null,
			output: 'spk-1',
			camera: '0'
		});
		expect(camera).toHaveValue('0');
	});

	it("keeps the browser's devices and processing switches in a browser", () => {
		render(VoiceSettingsDialog, { open: true, call: browserCall(), settings });
		expect(screen.getByRole('combobox', { name: 'Microphone' })).toBeInTheDocument();
		expect(screen.getByRole('combobox', { name: 'Camera' })).toBeInTheDocument();
		expect(screen.getByRole('switch', { name: 'Echo cancellation' })).toBeInTheDocument();
		expect(screen.getByRole('meter', { name: 'Microphone level' })).toBeInTheDocument();
		expect(invoke).not.toHaveBeenCalled();
	});
});
