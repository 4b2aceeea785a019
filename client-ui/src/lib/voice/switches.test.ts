import { describe, expect, it } from 'vitest';
import { withDeaf, withMute, type Switches } from './switches';

const open: Switches = { mute: false, deaf: false, mutedBeforeDeaf: false };

describe('mute and deafen', () => {
	it('deafening mutes, and undeafening restores the mute switch as it was', () => {
		const deaf = withDeaf(open, true);
		expect(deaf).toMatchObject({ mute: true, deaf: true });
		expect(withDeaf(deaf, false)).toMatchObject({ mute: false, deaf: false });
		const mutedThenDeaf = withDeaf(withMute(open, true), true);
		expect(withDeaf(mutedThenDeaf, false)).toMatchObject({ mute: true, deaf: false });
	});

	it('unmuting means hearing again; muting keeps deafen as it is', () => {
		const deaf = withDeaf(open, true);
		expect(withMute(deaf, false)).toMatchObject({ mute: false, deaf: false });
		expect(withMute(deaf, true)).toMatchObject({ mute: true, deaf: true });
	});

	it('setting deafen to what it is changes nothing', () => {
		expect(withDeaf(open, false)).toBe(open);
	});
});
