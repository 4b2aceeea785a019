/**
 * Finds accounts by username or email for admin views (through the admin user search),
 * e.g. to turn the audit log's "User" filter into an ID.
 */
import { unwrap, type Api, type Schemas } from '$api/client';

export type AdminUser = Schemas['AdminUserView'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUserId(value: string): boolean {
	return UUID.test(value.trim());
}

export class UserDirectory {
	constructor(private readonly api: Api) {}

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
		return match;
	}
}
