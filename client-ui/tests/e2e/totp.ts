/**
 * TOTP codes for the tests (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, base32
 * secret), computed as an authenticator app would, with node:crypto only.
 */
import { createHmac } from 'node:crypto';

export const STEP_SECONDS = 30;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text: string): Buffer {
	const clean = text.toUpperCase().replace(/[\s=-]/g, '');
	let bits = 0;
	let value = 0;
	const bytes: number[] = [];
	for (const char of clean) {
		const index = BASE32.indexOf(char);
		if (index < 0) throw new Error(`not base32: ${char}`);
		value = (value << 5) | index;
		bits += 5;
		if (bits >= 8) {
			bytes.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(bytes);
}

/** The code of one time step (RFC 4226 HOTP with the step as counter). */
export function totpAt(secret: string, step: number): string {
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(step));
	const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
	const offset = mac[mac.length - 1]! & 0x0f;
	const binary = mac.readUInt32BE(offset) & 0x7fffffff;
	return String(binary % 1_000_000).padStart(6, '0');
}

export function currentStep(now: number = Date.now()): number {
	return Math.floor(now / 1000 / STEP_SECONDS);
}

/**
 * A code the server takes now after the step `lastUsed` was spent: it refuses a step
 * already used (or an earlier one) and accepts one step either side of its clock. That
 * is the next step, unless the clock has moved past it. Waits for the clock in the rare
 * case the next step is still two steps ahead.
 */
export async function nextCode(
	secret: string,
	lastUsed: number
): Promise<{ code: string; step: number }> {
	const step = Math.max(lastUsed + 1, currentStep());
	while (step > currentStep() + 1) await new Promise((done) => setTimeout(done, 250));
	return { code: totpAt(secret, step), step };
}
