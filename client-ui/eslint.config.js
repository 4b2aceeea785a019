import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'test-results/',
			'playwright-report/',
			'src/lib/api/schema.d.ts'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			// TypeScript already reports undefined names, including Svelte's generated ones.
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		// Playwright reads fixture dependencies from the destructured first argument, so
		// fixtures without dependencies must be written `async ({}, use) => …`.
		files: ['tests/**'],
		rules: { 'no-empty-pattern': 'off' }
	},
	{
		// Shared components must stay free of domain code (STYLE.md 21).
		files: ['src/lib/shared/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['$lib/*', '!$lib/shared', '!$lib/shared/*', '$api', '$api/*'],
							message: 'lib/shared must not import domain modules.'
						}
					]
				}
			]
		}
	}
);
