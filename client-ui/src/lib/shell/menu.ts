/**
 * The phone layout's navigation drawer, for pages that carry its menu button in their own
 * header: the conversation view puts it in the channel header, and the shell's top bar
 * steps aside while such a header is shown, so a phone spends one row on headers.
 */
import { getContext, setContext } from 'svelte';

export interface ShellMenu {
	/** The navigation is a drawer (phone widths) that a menu button opens. */
	readonly narrow: boolean;
	/** The drawer is open. */
	readonly open: boolean;
	/** Opens the drawer; keyboard focus returns to `opener` when it closes. */
	openNav(opener: HTMLElement): void;
	/**
	 * A page header shows the menu button itself: the shell hides its top bar until the
	 * returned function is called (on the header's destruction).
	 */
	claimHeader(): () => void;
}

const KEY = Symbol('shell-menu');

export function provideShellMenu(menu: ShellMenu): void {
	setContext(KEY, menu);
}

/** Undefined outside the app shell. */
export function useShellMenu(): ShellMenu | undefined {
	return getContext<ShellMenu | undefined>(KEY);
}
