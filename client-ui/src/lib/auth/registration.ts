import type { AuthConfig } from '$api/client';

/**
 * What the registration form needs on this server: whether people may register at all,
 * and which code they must bring (an invite, or the setup code before the owner exists).
 */
export type RegistrationAccess = { open: false } | { open: true; code: 'invite' | 'setup' | null };

export function registrationAccess(
	config: Pick<AuthConfig, 'registration_mode' | 'setup_required'>
): RegistrationAccess {
	if (config.setup_required) {
		// The first account becomes the owner; it needs the printed setup code unless
		// registration is open to anyone.
		return { open: true, code: config.registration_mode === 'open' ? null : 'setup' };
	}
	switch (config.registration_mode) {
		case 'open':
			return { open: true, code: null };
		case 'invite_only':
			return { open: true, code: 'invite' };
		case 'closed':
			return { open: false };
	}
}
