/**
 * Names for user IDs in admin views, looked up through the admin user endpoints and
 * cached for the page. A deleted account resolves to null (its ID is shown instead).
 */
import { unwrap, type Api, type Schemas } from '$api/client';
import { ApiError } from '$api/errors';

export type AdminUser = Schemas['AdminUserView'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUserId(value: string): boolean {
	return UUID.test(value.trim());
}

export class UserDirectory {
	/** Resolved users by ID; null for IDs without an account (deleted). */
	users = $state<Record<string, AdminUser | null>>({});
	/** IDs being looked up (plain bookkeeping, not shown). */
	private pending: Record<string, true> = {};

	constructor(private readonly api: Api) {}

	/** Looks up the IDs not known yet, a few at a time (the list is one page long). */
	async resolve(ids: Iterable<string>): Promise<void> {
		const missing = [...ids].filter(
			(id, index, all) => all.indexOf(id) === index && !(id in this.users) && !(id in this.pending)
		);
		for (const id of missing) this.pending[id] = true;
		const queue = [...missing];
		const worker = async () => {
			for (let id = queue.shift(); id; id = queue.shift()) {
				try {
					const user = await unwrap(
						this.api.GET('/api/admin/users/{user_id}', { params: { path: { user_id: id } } })
					);
					this.users[id] = user;
				} catch (error) {
					// Unknown (deleted) accounts show as IDs; other failures are retried next time.
					if (error instanceof ApiError && error.status === 404) this.users[id] = null;
				} finally {
					delete this.pending[id];
				}
			}
		};
		await Promise.all([worker(), worker(), worker()]);
	}

	/** The account with exactly this username or email (case-insensitive), if any. */
	async find(name: string): Promise<AdminUser | null> {
		const wanted = name.trim().replace(/^@/, '').toLowerCase();
		const candidates = await unwrap(
			this.api.GET('/api/admin/users', { params: { query: { query: wanted, limit: 50 } } })
		);
		const match =
			candidates.find(
				(user) => user.username.toLowerCase() === wanted || user.email?.toLowerCase() === wanted
			) ?? null;
		if (match) this.users[match.id] = match;
		return match;
	}
}
