import { describe, expect, it } from 'vitest';
import {
	check,
	hasErrors,
	lengthBetween,
	matches,
	maxLength,
	optionalEmail,
	optionalIntegerBetween,
	password,
	required,
	username,
	validate
} from './validation';

describe('validation rules', () => {
	it.each([
		['ab', 'Username must be 3 to 32 characters.'],
		['a'.repeat(33), 'Username must be 3 to 32 characters.'],
		['has space', 'Use only letters, digits, underscores, dots and hyphens.'],
		['émile', 'Use only letters, digits, underscores, dots and hyphens.'],
		['ada.l_99-x', null]
	])('username %j', (value, expected) => {
		expect(username(value)).toBe(expected);
	});

	it('checks password length', () => {
		expect(password('1234567')).toMatch(/at least 8/);
		expect(password('12345678')).toBeNull();
		expect(password('x'.repeat(257))).toMatch(/at most 256/);
	});

	it('accepts an empty optional email and rejects malformed ones', () => {
		expect(optionalEmail('')).toBeNull();
		expect(optionalEmail('ada@example.org')).toBeNull();
		expect(optionalEmail('ada@')).toMatch(/email address/);
		expect(optionalEmail('a b@c.d')).toMatch(/email address/);
	});

	it('checks required, lengths and matching values', () => {
		expect(required('Name')('  ')).toBe('Name is required.');
		expect(maxLength('Bio', 3)('abcd')).toBe('Bio must be at most 3 characters.');
		expect(lengthBetween('Display name', 1, 64)(' ')).toBe(
			'Display name must be 1 to 64 characters.'
		);
		expect(matches(() => 'secret')('other')).toBe('The passwords do not match.');
		expect(matches(() => 'secret')('secret')).toBeNull();
	});

	it('checks optional whole numbers', () => {
		const rule = optionalIntegerBetween('Max uses', 1, 10000);
		expect(rule('')).toBeNull();
		expect(rule('5')).toBeNull();
		expect(rule('0')).toBe('Max uses must be between 1 and 10000.');
		expect(rule('2.5')).toBe('Max uses must be a whole number.');
	});

	it('reports the first failing rule and validates whole forms', () => {
		expect(check('', required('Username'), username)).toBe('Username is required.');
		const errors = validate(
			{ username: 'ok_name', password: 'short', confirm: 'other' },
			{ username: [username], password: [password], confirm: [matches(() => 'short')] }
		);
		expect(errors).toEqual({
			password: 'Password must be at least 8 characters.',
			confirm: 'The passwords do not match.'
		});
		expect(hasErrors(errors)).toBe(true);
		expect(hasErrors({ username: undefined })).toBe(false);
	});
});
