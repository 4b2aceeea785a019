/**
 * Moderation reached from anywhere in a conversation view (member list, a message's
 * toolbar) through context: the view provides one host, which knows the community and
 * the viewer, keeps the one open menu and draws one dialog for all rows.
 */
import { getContext, setContext } from 'svelte';
import type { Api } from '$api/client';
import type { Point } from '$shared/menu';
import type { Member } from '../directory.svelte';
import { applyModeration, type ModerationInput } from './moderation-api';
import {
	moderationActions,
	ROLE_LEVEL,
	type ModerationAction,
	type Moderator,
	type Subject
} from './moderation';

/** Where the host looks, read anew each time (the member list changes live). */
export interface ModerationScope {
	/** Null outside a community (direct messages): nothing to moderate. */
	communityId: string | null;
	viewer: Moderator;
	members: readonly Member[];
}

export interface MenuRequest {
	userId: string;
	subject: Subject;
	/** The menu button: the menu hangs from it and gives focus back to it. */
	anchor: HTMLElement;
	/** A right-click opens the menu at the pointer. */
	point: Point | null;
	initialFocus: 'first' | 'last';
}

export interface DialogRequest {
	communityId: string;
	member: Member;
	action: ModerationAction;
}

export class ModerationHost {
	menu = $state.raw<MenuRequest | null>(null);
	dialog = $state.raw<DialogRequest | null>(null);

	constructor(
		private readonly api: Api,
		private readonly scope: () => ModerationScope
	) {}

	member(userId: string): Member | undefined {
		return this.scope().members.find((m) => m.user_id === userId);
	}

	/** What the viewer may do to this person; empty when nothing (their rows show no menu). */
	actionsFor(userId: string, now = Date.now()): ModerationAction[] {
		const { communityId, viewer } = this.scope();
		// Most viewers moderate nothing: no need to look for the person.
		if (!communityId || viewer.level < ROLE_LEVEL.moderator) return [];
		return moderationActions(viewer, this.member(userId), now);
	}

	openMenu(request: Omit<MenuRequest, 'point' | 'initialFocus'> & Partial<MenuRequest>): void {
		this.menu = { point: null, initialFocus: 'first', ...request };
	}

	/**
	 * A right-click on a row (`container`) opens the menu of that row's menu button, at
	 * the pointer (if any). False when the row has none (the browser's own menu stays).
	 */
	openMenuIn(
		container: HTMLElement,
		userId: string,
		subject: Subject,
		point: Point | null
	): boolean {
		const anchor = container.querySelector<HTMLElement>('[data-moderation-menu]');
		if (!anchor || this.actionsFor(userId).length === 0) return false;
		this.openMenu({ userId, subject, anchor, point });
		return true;
	}

	closeMenu(refocus: boolean): void {
		const anchor = this.menu?.anchor;
		this.menu = null;
		if (refocus && anchor?.isConnected) anchor.focus();
	}

	/**
	 * A menu item was picked: the menu closes with focus on its button (where the dialog
	 * gives it back) and the action's dialog opens.
	 */
	choose(action: ModerationAction): void {
		const request = this.menu;
		const communityId = this.scope().communityId;
		this.closeMenu(true);
		const member = request && this.member(request.userId);
		if (communityId && member) this.dialog = { communityId, member, action };
	}

	closeDialog(): void {
		this.dialog = null;
	}

	apply(request: DialogRequest, input: ModerationInput): Promise<void> {
		return applyModeration(
			this.api,
			request.communityId,
			request.member.user_id,
			request.action,
			input
		);
	}
}

const KEY = Symbol('moderation');

export function provideModeration(host: ModerationHost): void {
	setContext(KEY, host);
}

/** The view's moderation host, or undefined (no moderation actions are offered). */
export function useModeration(): ModerationHost | undefined {
	return getContext<ModerationHost | undefined>(KEY);
}
