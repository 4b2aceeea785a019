//! Calendar invites (MEET-4): an RFC 5545 file per recipient, built with the
//! `icalendar` crate. One UID per series, SEQUENCE from the meeting, METHOD REQUEST
//! for a new or changed series and CANCEL for a cancelled series or occurrence,
//! RRULE and EXDATE for series, moved occurrences as RECURRENCE-ID events, and times
//! in the meeting's zone with its VTIMEZONE. The description is never written.

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::{Calendar, CalendarDateTime, Component, EventLike, Property};

use super::schedule::Schedule;
use crate::store::{Meeting, MeetingException};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// Who a calendar file is from and for.
pub struct Party<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

pub struct Invite<'a> {
    pub meeting: &'a Meeting,
    pub schedule: &'a Schedule,
    pub exceptions: &'a [MeetingException],
    pub method: Method,
    /// With [`Method::Cancel`]: only this occurrence (its original start) is cancelled.
    pub occurrence: Option<DateTime<Utc>>,
    pub organizer: Party<'a>,
    pub attendee: Party<'a>,
    /// Where it happens in words (channel and community).
    pub location: &'a str,
    pub url: Option<&'a str>,
    /// The domain part of the UID (the public host).
    pub uid_domain: &'a str,
    pub now: DateTime<Utc>,
}

impl Invite<'_> {
    pub fn uid(&self) -> String {
        format!("{}@{}", self.meeting.id, self.uid_domain)
    }

    fn local(&self, at: DateTime<Utc>) -> CalendarDateTime {
        CalendarDateTime::WithTimezone {
            date_time: at.with_timezone(&self.schedule.tz).naive_local(),
            tzid: self.schedule.tz.name().to_owned(),
        }
    }

    fn wall(&self, at: NaiveDateTime) -> CalendarDateTime {
        CalendarDateTime::WithTimezone {
            date_time: at,
            tzid: self.schedule.tz.name().to_owned(),
        }
    }

    /// An event with what every VEVENT of this invite shares.
    fn event(&self) -> icalendar::Event {
        let mut event = icalendar::Event::new();
        event
            .uid(&self.uid())
            .timestamp(self.now)
            .sequence(u32::try_from(self.meeting.sequence).unwrap_or(0))
            .summary(&self.meeting.title)
            .location(self.location)
            .append_property(
                Property::new("ORGANIZER", format!("mailto:{}", self.organizer.email))
                    .add_parameter("CN", self.organizer.name)
                    .done(),
            )
            .append_property(
                Property::new("ATTENDEE", format!("mailto:{}", self.attendee.email))
                    .add_parameter("CN", self.attendee.name)
                    .add_parameter("ROLE", "REQ-PARTICIPANT")
                    .add_parameter("PARTSTAT", "NEEDS-ACTION")
                    .add_parameter("RSVP", "FALSE")
                    .done(),
            );
        if let Some(url) = self.url {
            event.url(url);
        }
        event
    }

    /// The file's text.
    pub fn to_ics(&self) -> String {
        let mut calendar = Calendar::empty();
        calendar
            .append_property(("PRODID", "-//Chatalot//Meetings//EN"))
            .append_property(("VERSION", "2.0"))
            .append_property(("CALSCALE", "GREGORIAN"))
            .append_property(("METHOD", self.method.as_str()));
        let status = match self.method {
            Method::Request => icalendar::EventStatus::Confirmed,
            Method::Cancel => icalendar::EventStatus::Cancelled,
        };
        let duration = self.schedule.duration();
        if let (Method::Cancel, Some(occurrence)) = (self.method, self.occurrence) {
            let mut event = self.event();
            event
                .recurrence_id(self.local(occurrence))
                .starts(self.local(occurrence))
                .ends(self.local(occurrence + duration))
                .status(status);
            calendar.push(event.done());
        } else {
            let mut master = self.event();
            master
                .starts(self.wall(self.schedule.start_local))
                .ends(self.wall(self.schedule.start_local + duration))
                .status(status);
            if let Some(rule) = &self.schedule.rule {
                master.add_property("RRULE", rule.to_rrule(self.schedule.tz));
                for x in self.exceptions.iter().filter(|x| x.cancelled) {
                    master.append_multi_property(
                        Property::new("EXDATE", self.local(x.occurrence).format())
                            .add_parameter("TZID", self.schedule.tz.name())
                            .done(),
                    );
                }
            }
            calendar.push(master.done());
            if self.method == Method::Request && self.schedule.rule.is_some() {
                for x in self.exceptions.iter().filter(|x| !x.cancelled) {
                    let start = x.starts_at.unwrap_or(x.occurrence);
                    let minutes = x
                        .duration_minutes
                        .map_or(duration, |m| chrono::Duration::minutes(i64::from(m)));
                    let mut moved = self.event();
                    moved
                        .recurrence_id(self.local(x.occurrence))
                        .starts(self.local(start))
                        .ends(self.local(start + minutes))
                        .status(status);
                    calendar.push(moved.done());
                }
            }
        }
        let text = calendar.done().to_string();
        // The icalendar crate builds no VTIMEZONE: it goes before the first event.
        let zone = vtimezone(self.schedule.tz, self.window());
        match text.find("BEGIN:VEVENT") {
            Some(at) => format!("{}{zone}{}", &text[..at], &text[at..]),
            None => text,
        }
    }

    /// The span whose zone rules the file must describe.
    fn window(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let first = self.meeting.first_start;
        let moved = self.exceptions.iter().filter_map(|x| x.starts_at);
        let start = moved.clone().chain([first]).min().unwrap_or(first);
        let end = self
            .meeting
            .last_end
            .unwrap_or(first + chrono::Duration::days(366 * 2));
        let end = moved.chain([end]).max().unwrap_or(end);
        (
            start - chrono::Duration::days(1),
            end + chrono::Duration::days(1),
        )
    }
}

trait Formatted {
    fn format(&self) -> String;
}

impl Formatted for CalendarDateTime {
    fn format(&self) -> String {
        match self {
            CalendarDateTime::WithTimezone { date_time, .. }
            | CalendarDateTime::Floating(date_time) => {
                date_time.format("%Y%m%dT%H%M%S").to_string()
            }
            CalendarDateTime::Utc(t) => t.format("%Y%m%dT%H%M%SZ").to_string(),
        }
    }
}

/// One change of a zone's offset.
struct Transition {
    at: DateTime<Utc>,
    from: i32,
    to: i32,
    name: String,
    daylight: bool,
}

fn offset_at(tz: Tz, at: DateTime<Utc>) -> (i32, String, bool) {
    let offset = tz.offset_from_utc_datetime(&at.naive_utc());
    let name = offset.abbreviation().unwrap_or("").to_owned();
    let daylight = !offset.dst_offset().is_zero();
    (offset.fix().local_minus_utc(), name, daylight)
}

/// The zone's offset changes within `window`, found day by day and then to the second.
fn transitions(tz: Tz, (from, to): (DateTime<Utc>, DateTime<Utc>)) -> Vec<Transition> {
    let day = chrono::Duration::days(1);
    let mut found = Vec::new();
    let mut t = from;
    while t < to {
        let (before, _, _) = offset_at(tz, t);
        if offset_at(tz, t + day).0 != before {
            let (mut lo, mut hi) = (t, t + day);
            while hi - lo > chrono::Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_at(tz, mid).0 == before {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let (after, name, daylight) = offset_at(tz, hi);
            found.push(Transition {
                at: hi,
                from: before,
                to: after,
                name,
                daylight,
            });
        }
        t += day;
    }
    found
}

fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// A VTIMEZONE for `tz` covering `window`: the offset in force at its start, then
/// every change within it.
fn vtimezone(tz: Tz, window: (DateTime<Utc>, DateTime<Utc>)) -> String {
    let mut out = format!("BEGIN:VTIMEZONE\r\nTZID:{}\r\n", tz.name());
    let observance =
        |out: &mut String, daylight: bool, start: NaiveDateTime, from: i32, to: i32, name: &str| {
            let kind = if daylight { "DAYLIGHT" } else { "STANDARD" };
            out.push_str(&format!(
                "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n",
                start.format("%Y%m%dT%H%M%S"),
                utc_offset(from),
                utc_offset(to)
            ));
            if !name.is_empty() {
                out.push_str(&format!("TZNAME:{name}\r\n"));
            }
            out.push_str(&format!("END:{kind}\r\n"));
        };
    let (offset, name, daylight) = offset_at(tz, window.0);
    let start = (window.0 + chrono::Duration::seconds(i64::from(offset))).naive_utc();
    observance(&mut out, daylight, start, offset, offset, &name);
    for t in transitions(tz, window) {
        // DTSTART is the wall-clock time the change happens at, before it.
        let start = (t.at + chrono::Duration::seconds(i64::from(t.from))).naive_utc();
        observance(&mut out, t.daylight, start, t.from, t.to, &t.name);
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn berlin_in_2026_changes_twice() {
        let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        let found = transitions(chrono_tz::Europe::Berlin, (from, to));
        let summary: Vec<(String, i32, i32, bool)> = found
            .iter()
            .map(|t| {
                (
                    t.at.format("%m-%d %H:%M:%S").to_string(),
                    t.from,
                    t.to,
                    t.daylight,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("03-29 01:00:00".to_owned(), 3600, 7200, true),
                ("10-25 01:00:00".to_owned(), 7200, 3600, false)
            ]
        );
        let zone = vtimezone(chrono_tz::Europe::Berlin, (from, to));
        assert!(zone.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"));
        assert!(zone.contains("BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"));
    }

    #[test]
    fn offsets_are_written_as_rfc_5545_wants() {
        assert_eq!(utc_offset(-18000), "-0500");
        assert_eq!(utc_offset(19800), "+0530");
        assert_eq!(utc_offset(0), "+0000");
        assert_eq!(utc_offset(-2670), "-004430");
    }
}
