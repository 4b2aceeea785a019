import { goto } from '$app/navigation';
import { resolve } from '$app/paths';

/** Where to go after signing in: a same-site app path from `?next=`, or null. */
export function safeNext(next: string | null | undefined): string | null {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
		return null;
	if (next.startsWith('/api')) return null;
	return next;
}

/** Navigates to an app path computed at run time (guards, `?next=`). */
export function navigate(
	path: string,
	options: { replaceState?: boolean; keepFocus?: boolean; noScroll?: boolean } = {}
): Promise<void> {
	// resolve() is typed for literal routes; these paths are checked by safeNext or built here.
	const resolvePath = resolve as (path: string) => string;
	// eslint-disable-next-line svelte/no-navigation-without-resolve -- resolved on this line
	return goto(resolvePath(path), options);
}
