#!/usr/bin/env python3
"""Prepares a fresh server for scripts/test-api-fuzz.sh.

    api-fuzz-fixtures.py BASE_URL OUT_DIR

Registers the fuzzing account (the instance owner: the first account of an open
server) and two members, and creates what path parameters can point at: a community
with a group, a channel, messages, polls, a scheduled message, meetings and invites. Writes
OUT_DIR/token (the fuzzing account's access token) and OUT_DIR/schemathesis.toml,
which has schemathesis use these IDs for most generated path parameters (random ones
for the rest, so 404s are exercised too).

Operations that destroy or give away what they are pointed at get objects of their
own, so the shared ones live through the run: deleting or transferring a community,
deleting a group, channel, message or account, changing a channel (which may archive
it), kicking or banning a member, closing a poll, revoking an invite, changing or
cancelling a meeting. (What ends the session or hands the instance over runs
in a last pass of its own: see test-api-fuzz.sh.)
"""

import json
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

base, out_dir = sys.argv[1], sys.argv[2]


def call(method, path, token=None, body=None, expect=(200, 201, 204)):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read().decode()
    if status not in expect:
        sys.exit(f"api fuzz fixtures: {method} {path} answered {status}: {text}")
    return json.loads(text) if text else None


def register(username):
    body = {"username": username, "password": "a-long-fuzzing-password"}
    return call("POST", "/api/auth/register", body=body)


owner = register("fuzzer")
token = owner["access_token"]
member = register("member")
spare_member = register("spare-member")
spare_user = register("spare-user")


def community(name):
    body = {"name": name, "visibility": "public", "discoverable": True}
    return call("POST", "/api/communities", token, body)["id"]


def group(community_id, name):
    return call("POST", f"/api/communities/{community_id}/groups", token, {"name": name})["id"]


def channel(group_id, name):
    return call("POST", f"/api/groups/{group_id}/channels", token, {"name": name})["id"]


def message(channel_id, content):
    return call("POST", f"/api/channels/{channel_id}/messages", token, {"content": content})["id"]


def poll(channel_id):
    body = {"question": "Lunch?", "options": ["pizza", "salad", "soup"], "multi_select": True}
    return call("POST", f"/api/channels/{channel_id}/polls", token, body)["id"]


def community_invite(community_id):
    return call("POST", f"/api/communities/{community_id}/invites", token, {})


main = community("Fuzzing")
spare_community = community("Spare community")
main_group = group(main, "General")
spare_group = group(main, "Spare group")
main_channel = channel(main_group, "chat")
spare_channel = channel(main_group, "spare-chat")
settings_channel = channel(main_group, "settings")
invite = community_invite(main)
spare_invite = community_invite(main)
for person in (member, spare_member):
    call("POST", f"/api/invites/{invite['code']}/accept", person["access_token"])
main_message = message(main_channel, "hello @member")
call("POST", f"/api/channels/{main_channel}/messages", member["access_token"],
     {"content": "a reply", "reply_to_id": main_message})
spare_message = message(main_channel, "to be deleted")
main_poll = poll(main_channel)
spare_poll = poll(main_channel)
send_at = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
scheduled = call("POST", f"/api/channels/{main_channel}/scheduled", token,
                 {"content": "later", "send_at": send_at})["id"]
registration_invite = call("POST", "/api/admin/invites", token, {})["id"]
tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).date().isoformat()


def meeting(title):
    body = {"title": title, "start": f"{tomorrow}T09:00:00", "timezone": "UTC",
            "duration_minutes": 30, "recurrence": {"frequency": "daily", "count": 5}}
    return call("POST", f"/api/channels/{main_channel}/meetings", token, body)["id"]


main_meeting = meeting("Standup")
spare_meeting = meeting("To be cancelled")
changed_meeting = meeting("To be changed")
occurrence = f"{tomorrow}T09:00:00Z"

# Shared objects, used for most generated values of these path parameters.
shared = {
    "community_id": [main],
    "group_id": [main_group],
    "channel_id": [main_channel],
    "message_id": [main_message],
    "user_id": [member["user"]["id"]],
    "poll_id": [main_poll],
    "scheduled_id": [scheduled],
    "invite_id": [invite["id"]],
    "code": [invite["code"]],
    "emoji": ["👍", ":party_parrot:", "#️⃣"],
    "meeting_id": [main_meeting],
    "occurrence": [occurrence],
}
# Operation ID -> {parameter: value} for the operations that use up their object.
own = {
    "delete_community": {"community_id": spare_community},
    "transfer_community": {"community_id": spare_community},
    "delete_group": {"group_id": spare_group},
    "delete_channel": {"channel_id": spare_channel},
    "update_channel": {"channel_id": settings_channel},
    "delete_message": {"message_id": spare_message},
    "kick_member": {"user_id": spare_member["user"]["id"]},
    "ban_user": {"user_id": spare_member["user"]["id"]},
    "delete_user": {"user_id": spare_user["user"]["id"]},
    "close_poll": {"poll_id": spare_poll},
    "revoke_community_invite": {"invite_id": spare_invite["id"]},
    "revoke_registration_invite": {"invite_id": registration_invite},
    "cancel_meeting": {"meeting_id": spare_meeting},
    "update_meeting": {"meeting_id": changed_meeting},
}


def toml_list(values):
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


lines = [
    "# Written by scripts/api-fuzz-fixtures.py for one run of scripts/test-api-fuzz.sh.",
    "",
    "[dictionaries]",
]
for name, values in shared.items():
    lines.append(f"shared__{name} = {{ values = {toml_list(values)} }}")
for op, params in own.items():
    for name, value in params.items():
        lines.append(f"{op}__{name} = {{ values = {toml_list([value])} }}")
lines += ["", "[parameters]"]
for name in shared:
    lines.append(f'"path.{name}" = {{ dictionary = "shared__{name}", probability = 0.8 }}')
for op, params in own.items():
    lines += ["", "[[operations]]", f'include-operation-id = "{op}"', "[operations.parameters]"]
    for name in params:
        lines.append(f'"path.{name}" = {{ dictionary = "{op}__{name}", probability = 0.8 }}')

with open(f"{out_dir}/schemathesis.toml", "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
with open(f"{out_dir}/token", "w") as f:
    f.write(token)
print(f"api fuzz fixtures: 4 accounts, 2 communities, channel {main_channel}, message {main_message}")
