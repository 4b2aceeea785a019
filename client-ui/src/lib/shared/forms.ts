import { tick } from 'svelte';

/**
 * After a failed submit, moves focus to the first field marked invalid, so keyboard and
 * screen-reader users land on the message (it is linked with aria-describedby).
 */
export async function focusFirstInvalid(form: EventTarget | null): Promise<void> {
	await tick();
	if (form instanceof HTMLElement) {
		form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
	}
}
