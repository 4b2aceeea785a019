/**
 * Client-side checks that mirror the server's rules, so people see mistakes before
 * submitting. The server remains the authority: its `field` errors are shown the same way.
 * Each rule returns an error sentence, or null when the value is acceptable.
 */
export type Rule = (value: string) => string | null;

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;

export const required =
	(label: string): Rule =>
	(value) =>
		value.trim() ? null : `${label} is required.`;

export const username: Rule = (value) => {
	if (value.length < 3 || value.length > 32) return 'Username must be 3 to 32 characters.';
	if (!USERNAME_PATTERN.test(value)) {
		return 'Use only letters, digits, underscores, dots and hyphens.';
	}
	return null;
};

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export const password: Rule = (value) => {
	if (value.length < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters.`;
	if (value.length > PASSWORD_MAX) return `Password must be at most ${PASSWORD_MAX} characters.`;
	return null;
};

/** Optional email: empty is fine, otherwise it must look like name@domain. */
export const optionalEmail: Rule = (value) => {
	const trimmed = value.trim();
	if (!trimmed) return null;
	return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed)
		? null
		: 'Enter an email address such as name@example.com.';
};

export const maxLength =
	(label: string, max: number): Rule =>
	(value) =>
		value.length > max ? `${label} must be at most ${max} characters.` : null;

export const lengthBetween =
	(label: string, min: number, max: number): Rule =>
	(value) => {
		const length = value.trim().length;
		return length < min || length > max ? `${label} must be ${min} to ${max} characters.` : null;
	};

export const matches =
	(other: () => string, message = 'The passwords do not match.'): Rule =>
	(value) =>
		value === other() ? null : message;

/** Optional whole number within bounds; empty means "no limit". */
export const optionalIntegerBetween =
	(label: string, min: number, max: number): Rule =>
	(value) => {
		const trimmed = value.trim();
		if (!trimmed) return null;
		if (!/^\d+$/.test(trimmed)) return `${label} must be a whole number.`;
		const n = Number(trimmed);
		return n < min || n > max ? `${label} must be between ${min} and ${max}.` : null;
	};

/** Runs rules in order and returns the first error. */
export function check(value: string, ...rules: Rule[]): string | null {
	for (const rule of rules) {
		const error = rule(value);
		if (error) return error;
	}
	return null;
}

/**
 * Validates a whole form: `schema` maps each field to its rules. Returns only the fields
 * with errors, so `Object.keys(result).length === 0` means valid.
 */
export function validate<F extends string>(
	values: Record<F, string>,
	schema: Partial<Record<F, Rule[]>>
): Partial<Record<F, string>> {
	const errors: Partial<Record<F, string>> = {};
	for (const field of Object.keys(schema) as F[]) {
		const error = check(values[field], ...(schema[field] ?? []));
		if (error) errors[field] = error;
	}
	return errors;
}

export function hasErrors(errors: object): boolean {
	return Object.values(errors).some(Boolean);
}
