"""Reads the messages a test relay spooled (relay.py) and prints them as JSON,
in arrival order, with their calendar parts parsed by the `icalendar` package.

  read_mail.py DIR
"""

import email
import email.policy
import json
import os
import sys

import icalendar


def when(value):
    """A DTSTART/DTEND/RECURRENCE-ID/EXDATE value: ISO text and its zone."""
    dt = value.dt
    zone = getattr(getattr(dt, "tzinfo", None), "key", None) or (
        str(dt.tzinfo) if getattr(dt, "tzinfo", None) else None
    )
    return {"at": dt.isoformat(), "tz": zone}


def event_json(event):
    found = event.get("EXDATE")
    props = found if isinstance(found, list) else ([found] if found is not None else [])
    exdates = [when(d) for prop in props for d in prop.dts]
    rrule = event.get("RRULE")
    return {
        "uid": str(event.get("UID")),
        "sequence": int(event.get("SEQUENCE", -1)),
        "summary": str(event.get("SUMMARY", "")),
        "status": str(event.get("STATUS", "")),
        "has_description": "DESCRIPTION" in event,
        "dtstart": when(event["DTSTART"]) if "DTSTART" in event else None,
        "dtend": when(event["DTEND"]) if "DTEND" in event else None,
        "recurrence_id": when(event["RECURRENCE-ID"]) if "RECURRENCE-ID" in event else None,
        "rrule": {k: [str(v) for v in vs] for k, vs in rrule.items()} if rrule else None,
        "exdates": exdates,
    }


def message_json(path):
    with open(path, "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    text, calendars = None, []
    for part in msg.walk():
        ctype = part.get_content_type()
        if part.is_multipart():
            continue
        body = part.get_content()
        if isinstance(body, bytes):
            body = body.decode()
        if ctype == "text/plain" and text is None:
            text = body
        elif ctype in ("text/calendar", "application/ics"):
            cal = icalendar.Calendar.from_ical(body)
            calendars.append({
                "content_type": ctype,
                "method_param": part.get_param("method"),
                "filename": part.get_filename(),
                "method": str(cal.get("METHOD", "")),
                "timezones": [str(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")],
                "events": [event_json(e) for e in cal.walk("VEVENT")],
            })
    return {
        "file": os.path.basename(path),
        "to": str(msg["To"]),
        "from": str(msg["From"]),
        "subject": str(msg["Subject"]),
        "message_id": str(msg["Message-ID"]),
        "text": text,
        "raw": raw.decode("utf-8", "replace"),
        "calendars": calendars,
    }


def main():
    directory = sys.argv[1]
    names = sorted(n for n in os.listdir(directory) if n.endswith(".eml"))
    print(json.dumps([message_json(os.path.join(directory, n)) for n in names]))


if __name__ == "__main__":
    main()
