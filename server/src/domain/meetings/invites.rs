//! Calendar invites by email (MEET-3, MEET-4): one message per member of the
//! channel's group with an email address, queued in the change's transaction. The
//! text says what, when and where, never the description.

use chrono::{DateTime, Utc};

use super::calendar::{Invite, Method, Party};
use super::schedule::{End, Schedule};
use super::schedule_of;
use crate::api::{Frequency, Weekday};
use crate::domain::Core;
use crate::domain::community::ChannelAccess;
use crate::domain::email::QueuedEmail;
use crate::domain::error::Result;
use crate::store::{Conn, Meeting};

impl Core {
    pub(super) async fn queue_invites(
        &self,
        c: &mut Conn<'_>,
        access: &ChannelAccess,
        meeting: &Meeting,
        method: Method,
        occurrence: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let (Some(smtp), Ok(group)) = (self.config.email.as_ref(), access.in_group()) else {
            return Ok(());
        };
        let schedule = schedule_of(meeting)?;
        let exceptions = c.meeting_exceptions(meeting.id).await?;
        let location = format!(
            "#{} in {}",
            access.channel.name, group.community.community.name
        );
        let url = self.meeting_link(meeting);
        let uid_domain = self
            .config
            .public_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "chatalot".to_owned());
        let subject = match (method, occurrence) {
            (Method::Request, _) if meeting.sequence == 0 => {
                format!("Invitation: {}", meeting.title)
            }
            (Method::Request, _) => format!("Updated: {}", meeting.title),
            (Method::Cancel, None) => format!("Cancelled: {}", meeting.title),
            (Method::Cancel, Some(_)) => format!("Cancelled occurrence: {}", meeting.title),
        };
        let text = invite_text(
            meeting,
            &schedule,
            &location,
            url.as_deref(),
            method,
            occurrence,
        );
        let now = crate::store::now();
        for attendee in c.attendees_of_group(group.group.id).await? {
            // Bot accounts have no email address; people without one get no mail.
            let Some(email) = attendee.email else {
                continue;
            };
            let invite = Invite {
                meeting,
                schedule: &schedule,
                exceptions: &exceptions,
                method,
                occurrence,
                organizer: Party {
                    name: &smtp.from_name,
                    email: &smtp.from_address,
                },
                attendee: Party {
                    name: &attendee.display_name,
                    email: &email,
                },
                location: &location,
                url: url.as_deref(),
                uid_domain: &uid_domain,
                now,
            };
            let ics = invite.to_ics();
            self.queue_email(
                c,
                QueuedEmail {
                    recipient: email.clone(),
                    recipient_name: attendee.display_name.clone(),
                    subject: subject.clone(),
                    text: text.clone(),
                    calendar: Some((ics, method.as_str())),
                    meeting_id: Some(meeting.id),
                },
            )
            .await?;
        }
        Ok(())
    }
}

fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mo => "Monday",
        Weekday::Tu => "Tuesday",
        Weekday::We => "Wednesday",
        Weekday::Th => "Thursday",
        Weekday::Fr => "Friday",
        Weekday::Sa => "Saturday",
        Weekday::Su => "Sunday",
    }
}

/// The mail's text: the title, when (in the meeting's zone), how often, where and
/// the link.
fn invite_text(
    meeting: &Meeting,
    schedule: &Schedule,
    location: &str,
    url: Option<&str>,
    method: Method,
    occurrence: Option<DateTime<Utc>>,
) -> String {
    let tz = schedule.tz;
    let when = |start: DateTime<Utc>| {
        let local = start.with_timezone(&tz);
        let end = (start + schedule.duration()).with_timezone(&tz);
        format!(
            "{} – {} ({})",
            local.format("%A %-d %B %Y, %H:%M"),
            end.format("%H:%M"),
            tz.name()
        )
    };
    let mut lines = Vec::new();
    match (method, occurrence) {
        (Method::Cancel, Some(at)) => {
            lines.push(format!(
                "One occurrence of “{}” is cancelled:",
                meeting.title
            ));
            lines.push(when(at));
        }
        (Method::Cancel, None) => {
            lines.push(format!("“{}” is cancelled.", meeting.title));
            lines.push(format!("It was: {}", when(meeting.first_start)));
        }
        (Method::Request, _) => {
            lines.push(format!("“{}”", meeting.title));
            lines.push(format!("When: {}", when(meeting.first_start)));
            if let Some(rule) = &schedule.rule {
                let unit = match rule.frequency {
                    Frequency::Daily => "day",
                    Frequency::Weekly => "week",
                    Frequency::Monthly => "month",
                };
                let mut repeats = if rule.interval == 1 {
                    format!("every {unit}")
                } else {
                    format!("every {} {unit}s", rule.interval)
                };
                if rule.frequency == Frequency::Weekly {
                    let days: Vec<&str> = rule.weekdays.iter().map(|d| day_name(*d)).collect();
                    repeats.push_str(&format!(" on {}", days.join(", ")));
                }
                match rule.end {
                    End::Never => {}
                    End::Count(n) => repeats.push_str(&format!(", {n} times")),
                    End::Until(day) => {
                        repeats.push_str(&format!(", until {}", day.format("%-d %B %Y")))
                    }
                }
                lines.push(format!("Repeats: {repeats}"));
            }
        }
    }
    lines.push(format!("Where: {location}"));
    if let Some(url) = url {
        lines.push(format!("Join: {url}"));
    }
    lines.push(String::new());
    lines.push("Sent by Chatalot. The calendar invite is attached.".to_owned());
    lines.join("\r\n")
}
