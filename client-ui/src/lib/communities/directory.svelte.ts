/**
 * The communities the user belongs to, each one's groups and channels (what the sidebar
 * shows) and members, kept current by the realtime events that change them.
 */
import { SvelteMap } from 'svelte/reactivity';
import { unwrap, type Api, type Schemas } from '$api/client';
import { withMemberProfile, type Author } from '$lib/people/updates';
import { mergeCommunity, mergeGroup } from './updates';

export type Community = Schemas['CommunityView'];
export type Group = Schemas['GroupView'];
export type Channel = Schemas['ChannelView'];
export type Member = Schemas['MemberView'];

/** A community the user is no longer in (`community_removed`). */
export interface Departure {
	name: string;
	/** `kicked`, `banned`, `left`, `deleted`, or `gone` when the reason was missed. */
	reason: string;
}

export interface GroupWithChannels {
	group: Group;
	channels: Channel[];
}

const MEMBER_PAGE = 200;

/** Told about every channel list fetched (voice channels carry who is in their call). */
export interface ChannelListObserver {
	/** A stamp taken before the request. */
	stamp(): number;
	loaded(channels: Channel[], stamp: number): void;
}

export class CommunityDirectory {
	communities = $state.raw<Community[]>([]);
	loaded = $state(false);
	/** Groups (with their channels) per community ID. */
	readonly structure = new SvelteMap<string, GroupWithChannels[]>();
	readonly members = new SvelteMap<string, Member[]>();
	/**
	 * Communities the user was removed from while the app was open, and why, so the page
	 * they were on can say what happened.
	 */
	readonly departures = new SvelteMap<string, Departure>();

	private readonly api: Api;
	private readonly observer: ChannelListObserver | null;

	constructor(api: Api, observer: ChannelListObserver | null = null) {
		this.api = api;
		this.observer = observer;
	}

	async load(): Promise<void> {
		const before = this.communities;
		this.communities = await unwrap(this.api.GET('/api/communities'));
		this.loaded = true;
		// Gone while the app was offline (the event that says why was missed).
		for (const community of before) {
			if (!this.community(community.id) && !this.departures.has(community.id)) {
				this.departures.set(community.id, { name: community.name, reason: 'gone' });
			}
		}
	}

	community(id: string): Community | undefined {
		return this.communities.find((c) => c.id === id);
	}

	/** The channel and its community, among the loaded structures. */
	channel(id: string): { channel: Channel; communityId: string } | undefined {
		for (const [communityId, groups] of this.structure) {
			for (const { channels } of groups) {
				const channel = channels.find((c) => c.id === id);
				if (channel) return { channel, communityId };
			}
		}
		return undefined;
	}

	async loadStructure(communityId: string): Promise<GroupWithChannels[]> {
		const groups = await unwrap(
			this.api.GET('/api/communities/{community_id}/groups', {
				params: { path: { community_id: communityId } }
			})
		);
		const structure = await Promise.all(
			groups
				.toSorted((a, b) => a.position - b.position)
				.map(async (group) => ({
					group,
					channels: await this.loadChannels(group.id)
						// A private group the user is not in: shown without channels.
						.catch(() => [] as Channel[])
				}))
		);
		this.structure.set(communityId, structure);
		return structure;
	}

	private async loadChannels(groupId: string): Promise<Channel[]> {
		const stamp = this.observer?.stamp() ?? 0;
		const list = await unwrap(
			this.api.GET('/api/groups/{group_id}/channels', {
				params: { path: { group_id: groupId } }
			})
		);
		this.observer?.loaded(list, stamp);
		return list.toSorted((a, b) => a.position - b.position);
	}

	async loadMembers(communityId: string): Promise<Member[]> {
		const all: Member[] = [];
		let after: string | undefined;
		for (;;) {
			const page = await unwrap(
				this.api.GET('/api/communities/{community_id}/members', {
					params: { path: { community_id: communityId }, query: { after, limit: MEMBER_PAGE } }
				})
			);
			all.push(...page);
			if (page.length < MEMBER_PAGE) break;
			after = page.at(-1)!.user_id;
		}
		this.members.set(communityId, all);
		return all;
	}

	async create(name: string): Promise<Community> {
		const community = await unwrap(this.api.POST('/api/communities', { body: { name } }));
		// A new community starts with one group and one channel to talk in.
		const group = await unwrap(
			this.api.POST('/api/communities/{community_id}/groups', {
				params: { path: { community_id: community.id } },
				body: { name: 'Text channels', visibility: 'public' }
			})
		);
		await unwrap(
			this.api.POST('/api/groups/{group_id}/channels', {
				params: { path: { group_id: group.id } },
				body: { name: 'general', kind: 'text' }
			})
		);
		this.addCommunity(community);
		return community;
	}

	async join(code: string): Promise<Community> {
		const community = await unwrap(
			this.api.POST('/api/invites/{code}/accept', { params: { path: { code } } })
		);
		this.addCommunity(community);
		return community;
	}

	async update(communityId: string, body: Schemas['UpdateCommunityRequest']): Promise<Community> {
		const community = await unwrap(
			this.api.PATCH('/api/communities/{community_id}', {
				params: { path: { community_id: communityId } },
				body
			})
		);
		this.addCommunity(community);
		return community;
	}

	async createGroup(communityId: string, name: string): Promise<Group> {
		const group = await unwrap(
			this.api.POST('/api/communities/{community_id}/groups', {
				params: { path: { community_id: communityId } },
				body: { name, visibility: 'public' }
			})
		);
		const groups = this.structure.get(communityId) ?? [];
		this.structure.set(communityId, [...groups, { group, channels: [] }]);
		return group;
	}

	async createChannel(groupId: string, body: Schemas['CreateChannelRequest']): Promise<Channel> {
		const channel = await unwrap(
			this.api.POST('/api/groups/{group_id}/channels', {
				params: { path: { group_id: groupId } },
				body
			})
		);
		this.channelChanged(channel);
		return channel;
	}
	async updateChannel(channelId: string, body: Schemas['UpdateChannelRequest']): Promise<Channel> {
		const channel = await unwrap(
			this.api.PATCH('/api/channels/{channel_id}', {
				params: { path: { channel_id: channelId } },
				body
			})
		);
		this.channelChanged(channel);
		return channel;
	}

	private addCommunity(community: Community): void {
		this.departures.delete(community.id);
		this.communities = [...this.communities.filter((c) => c.id !== community.id), community];
	}

	/** A community's new settings or pictures (an answer, or `community_updated`). */
	communityChanged(community: Community): void {
		const next = mergeCommunity(this.communities, community);
		if (next !== this.communities) this.communities = next;
	}

	/** A group's new settings or pictures, in its community's loaded structure. */
	groupChanged(group: Group): void {
		const groups = this.structure.get(group.community_id);
		if (!groups) return;
		const next = mergeGroup(groups, group);
		if (next !== groups) this.structure.set(group.community_id, next);
	}

	/** Someone's new name or avatar (`user_updated`), in every loaded member list. */
	userUpdated(user: Author): void {
		for (const [communityId, list] of this.members) {
			const next = withMemberProfile(list, user);
			if (next !== list) this.members.set(communityId, next);
		}
	}

	removeCommunity(id: string, reason?: string): void {
		const community = this.community(id);
		if (community && reason) this.departures.set(id, { name: community.name, reason });
		this.communities = this.communities.filter((c) => c.id !== id);
		this.structure.delete(id);
		this.members.delete(id);
	}

	channelChanged(channel: Channel): void {
		if (!channel.community_id) return;
		const groups = this.structure.get(channel.community_id);
		if (!groups) return;
		const next = groups.map((entry) => {
			const others = entry.channels.filter((c) => c.id !== channel.id);
			if (entry.group.id !== channel.group_id) {
				return others.length === entry.channels.length ? entry : { ...entry, channels: others };
			}
			return {
				...entry,
				channels: [...others, channel].toSorted((a, b) => a.position - b.position)
			};
		});
		this.structure.set(channel.community_id, next);
	}

	channelDeleted(channelId: string): void {
		const found = this.channel(channelId);
		if (!found) return;
		const groups = this.structure.get(found.communityId)!;
		this.structure.set(
			found.communityId,
			groups.map((entry) => ({
				...entry,
				channels: entry.channels.filter((c) => c.id !== channelId)
			}))
		);
	}

	memberChanged(communityId: string, member: Member): void {
		const list = this.members.get(communityId);
		if (!list) return;
		this.members.set(communityId, [...list.filter((m) => m.user_id !== member.user_id), member]);
	}

	memberLeft(communityId: string, userId: string): void {
		const list = this.members.get(communityId);
		if (list)
			this.members.set(
				communityId,
				list.filter((m) => m.user_id !== userId)
			);
	}
}
