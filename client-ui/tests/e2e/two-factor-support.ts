/** Two-factor steps through the API, for tests that need an account with 2FA already on. */
import { expect } from '@playwright/test';
import { apiClient, apiLogin, type Account } from './support';
import { currentStep, totpAt } from './totp';

export interface TwoFactorAccount extends Account {
	secret: string;
	backupCodes: string[];
	/** The last TOTP step the server saw used: the next code must be of a later step. */
	lastStep: number;
}

/** Turns 2FA on for a password account (setup with the password, then a current code). */
export async function enableTwoFactor(account: Account): Promise<TwoFactorAccount> {
	const token = await apiLogin(account.username, account.password);
	const api = await apiClient();
	const headers = { authorization: `Bearer ${token}` };
	const setup = await api.post('/api/account/2fa/setup', {
		data: { password: account.password },
		headers
	});
	expect(setup.status(), await setup.text()).toBe(200);
	const { secret } = await setup.json();
	const step = currentStep();
	const enable = await api.post('/api/account/2fa/enable', {
		data: { code: totpAt(secret, step) },
		headers
	});
	expect(enable.status(), await enable.text()).toBe(200);
	const { codes } = await enable.json();
	await api.dispose();
	return { ...account, secret, backupCodes: codes, lastStep: step };
}
