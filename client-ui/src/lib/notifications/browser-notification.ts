/**
 * Browser notifications (the Notification API) while the app is in the background.
 * Absent in some browsers and embedded views: every function copes with that.
 */

export type DesktopPermission = NotificationPermission | 'unsupported';

function api(): typeof Notification | undefined {
	return typeof globalThis.Notification === 'function' ? globalThis.Notification : undefined;
}

export function notificationPermission(): DesktopPermission {
	return api()?.permission ?? 'unsupported';
}

/** Asks the browser for permission (needs a click); resolves to the answer. */
export async function requestNotificationPermission(): Promise<DesktopPermission> {
	const Notification = api();
	if (!Notification) return 'unsupported';
	try {
		return await Notification.requestPermission();
	} catch {
		return Notification.permission;
	}
}

export interface BrowserNotice {
	title: string;
	body: string;
	/** Replaces an earlier notice with the same tag (one per channel). */
	tag: string;
	onclick: () => void;
}

/** Shows a notification if allowed; never throws. */
export function showBrowserNotification(notice: BrowserNotice): boolean {
	const Notification = api();
	if (!Notification || Notification.permission !== 'granted') return false;
	try {
		const shown = new Notification(notice.title, {
			body: notice.body,
			tag: notice.tag,
			icon: '/icons/icon-192.png'
		});
		shown.onclick = () => {
			window.focus();
			notice.onclick();
			shown.close();
		};
		return true;
	} catch {
		// Chrome on Android allows notifications only from a service worker.
		return false;
	}
}
