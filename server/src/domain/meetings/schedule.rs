//! When a meeting happens: a wall-clock start in an IANA zone, a length and an
//! optional recurrence rule, expanded into occurrences by the `rrule` crate. The
//! rule is kept as an RFC 5545 RRULE value, the same text the calendar files carry.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::api::{Frequency, Recurrence, Weekday};
use crate::domain::error::{Error, Result};

pub const MAX_COUNT: u32 = 500;
pub const MAX_INTERVAL: u32 = 99;
/// A series may not reach further than this past its first occurrence.
pub const MAX_YEARS: i32 = 5;

/// How a series repeats, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub frequency: Frequency,
    pub interval: u32,
    /// Weekly series only; never empty for them.
    pub weekdays: Vec<Weekday>,
    pub end: End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Never,
    Count(u32),
    /// The last day an occurrence may fall on, in the meeting's zone.
    Until(NaiveDate),
}

/// A series' times.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub start_local: NaiveDateTime,
    pub tz: Tz,
    pub duration_minutes: u32,
    pub rule: Option<Rule>,
}

pub fn parse_timezone(raw: &str) -> Result<Tz> {
    raw.parse::<Tz>().map_err(|_| {
        Error::invalid(
            "timezone",
            "timezone must be an IANA time zone such as Europe/Berlin",
        )
    })
}

/// A wall-clock time in `tz`: the earlier of two in a repeated hour, an error in a
/// skipped one (a daylight saving gap).
pub fn resolve(tz: Tz, local: NaiveDateTime, field: &'static str) -> Result<DateTime<Utc>> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            Error::invalid(
                field,
                format!("{local} does not exist in {tz} (the clocks skip it)"),
            )
        })
}

impl Rule {
    /// Checks a requested recurrence against the series' start.
    pub fn from_wire(r: &Recurrence, start: NaiveDateTime) -> Result<Rule> {
        if !(1..=MAX_INTERVAL).contains(&r.interval) {
            return Err(Error::invalid(
                "recurrence",
                format!("interval must be 1 to {MAX_INTERVAL}"),
            ));
        }
        let end = match (r.count, r.until) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "recurrence",
                    "give count or until, not both",
                ));
            }
            (Some(count), None) if !(2..=MAX_COUNT).contains(&count) => {
                return Err(Error::invalid(
                    "recurrence",
                    format!("count must be 2 to {MAX_COUNT}"),
                ));
            }
            (Some(count), None) => End::Count(count),
            (None, Some(until)) if until <= start.date() => {
                return Err(Error::invalid(
                    "recurrence",
                    "until must be after the first occurrence's day",
                ));
            }
            (None, Some(until)) if until.year() > start.year() + MAX_YEARS => {
                return Err(Error::invalid(
                    "recurrence",
                    format!("until must be within {MAX_YEARS} years"),
                ));
            }
            (None, Some(until)) => End::Until(until),
            (None, None) => End::Never,
        };
        let weekdays = match r.frequency {
            Frequency::Weekly if r.weekdays.is_empty() => vec![weekday_of(start.date())],
            Frequency::Weekly => {
                let mut days = r.weekdays.clone();
                days.sort_by_key(|d| *d as u8);
                days.dedup();
                // A start off the rule's days is undefined in RFC 5545: calendars
                // disagree on whether it is an occurrence.
                if !days.contains(&weekday_of(start.date())) {
                    return Err(Error::invalid(
                        "recurrence",
                        "the first occurrence must fall on one of the weekdays",
                    ));
                }
                days
            }
            _ if !r.weekdays.is_empty() => {
                return Err(Error::invalid(
                    "recurrence",
                    "weekdays are for weekly meetings only",
                ));
            }
            _ => Vec::new(),
        };
        Ok(Rule {
            frequency: r.frequency,
            interval: r.interval,
            weekdays,
            end,
        })
    }

    pub fn to_wire(&self) -> Recurrence {
        Recurrence {
            frequency: self.frequency,
            interval: self.interval,
            weekdays: self.weekdays.clone(),
            count: match self.end {
                End::Count(n) => Some(n),
                _ => None,
            },
            until: match self.end {
                End::Until(day) => Some(day),
                _ => None,
            },
        }
    }

    /// The RRULE value. UNTIL is in UTC, as RFC 5545 requires with a TZID start:
    /// the end of the last day in the meeting's zone.
    pub fn to_rrule(&self, tz: Tz) -> String {
        let mut parts = vec![
            format!(
                "FREQ={}",
                match self.frequency {
                    Frequency::Daily => "DAILY",
                    Frequency::Weekly => "WEEKLY",
                    Frequency::Monthly => "MONTHLY",
                }
            ),
            format!("INTERVAL={}", self.interval),
        ];
        if !self.weekdays.is_empty() {
            let days: Vec<&str> = self.weekdays.iter().map(|d| weekday_code(*d)).collect();
            parts.push(format!("BYDAY={}", days.join(",")));
        }
        match self.end {
            End::Never => {}
            End::Count(n) => parts.push(format!("COUNT={n}")),
            End::Until(day) => parts.push(format!(
                "UNTIL={}",
                until_utc(tz, day).format("%Y%m%dT%H%M%SZ")
            )),
        }
        parts.join(";")
    }

    /// Reads back what [`Rule::to_rrule`] wrote.
    pub fn from_rrule(value: &str, tz: Tz) -> Option<Rule> {
        let mut rule = Rule {
            frequency: Frequency::Daily,
            interval: 1,
            weekdays: Vec::new(),
            end: End::Never,
        };
        for part in value.split(';') {
            let (key, val) = part.split_once('=')?;
            match key {
                "FREQ" => {
                    rule.frequency = match val {
                        "DAILY" => Frequency::Daily,
                        "WEEKLY" => Frequency::Weekly,
                        "MONTHLY" => Frequency::Monthly,
                        _ => return None,
                    }
                }
                "INTERVAL" => rule.interval = val.parse().ok()?,
                "BYDAY" => {
                    rule.weekdays = val
                        .split(',')
                        .map(|code| WEEKDAYS.iter().find(|(_, c)| *c == code).map(|(d, _)| *d))
                        .collect::<Option<_>>()?
                }
                "COUNT" => rule.end = End::Count(val.parse().ok()?),
                "UNTIL" => {
                    let utc = NaiveDateTime::parse_from_str(val, "%Y%m%dT%H%M%SZ").ok()?;
                    rule.end =
                        End::Until(Utc.from_utc_datetime(&utc).with_timezone(&tz).date_naive());
                }
                _ => return None,
            }
        }
        Some(rule)
    }
}

const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Mo, "MO"),
    (Weekday::Tu, "TU"),
    (Weekday::We, "WE"),
    (Weekday::Th, "TH"),
    (Weekday::Fr, "FR"),
    (Weekday::Sa, "SA"),
    (Weekday::Su, "SU"),
];

fn weekday_code(day: Weekday) -> &'static str {
    WEEKDAYS[day as usize].1
}

fn weekday_of(date: NaiveDate) -> Weekday {
    WEEKDAYS[date.weekday().num_days_from_monday() as usize].0
}

fn until_utc(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let end = day.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("a valid time"));
    tz.from_local_datetime(&end)
        .latest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&end))
}

impl Schedule {
    pub fn first_start(&self) -> Result<DateTime<Utc>> {
        resolve(self.tz, self.start_local, "start")
    }

    pub fn duration(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.duration_minutes))
    }

    /// The rule's occurrences as an `rrule` set, the same text a calendar reads.
    fn rrule_set(&self, rule: &Rule) -> Option<rrule::RRuleSet> {
        let text = format!(
            "DTSTART;TZID={}:{}\nRRULE:{}",
            self.tz.name(),
            self.start_local.format("%Y%m%dT%H%M%S"),
            rule.to_rrule(self.tz)
        );
        text.parse::<rrule::RRuleSet>().ok().map(|set| set.limit())
    }

    /// The original starts of occurrences with `from <= start < to`, in order, at
    /// most `limit` of them.
    pub fn starts_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: usize,
    ) -> Vec<DateTime<Utc>> {
        let Some(rule) = &self.rule else {
            return self
                .first_start()
                .ok()
                .filter(|start| *start >= from && *start < to)
                .into_iter()
                .collect();
        };
        let Some(set) = self.rrule_set(rule) else {
            return Vec::new();
        };
        set.into_iter()
            .map(|t| t.with_timezone(&Utc))
            .skip_while(|t| *t < from)
            .take_while(|t| *t < to)
            .take(limit)
            .collect()
    }

    /// Whether `at` is the original start of one of the occurrences.
    pub fn has_occurrence(&self, at: DateTime<Utc>) -> bool {
        self.starts_between(at, at + chrono::Duration::seconds(1), 1) == [at]
    }

    /// The end of the last occurrence; `None` when the series never ends.
    pub fn last_end(&self) -> Result<Option<DateTime<Utc>>> {
        let first = self.first_start()?;
        let Some(rule) = &self.rule else {
            return Ok(Some(first + self.duration()));
        };
        if rule.end == End::Never {
            return Ok(None);
        }
        let horizon = first + chrono::Duration::days(366 * (i64::from(MAX_YEARS) + 1));
        let last = self
            .starts_between(first, horizon, usize::MAX)
            .last()
            .copied()
            .ok_or_else(|| Error::invalid("recurrence", "this recurrence has no occurrences"))?;
        Ok(Some(last + self.duration()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(start: &str, tz: &str, recurrence: Option<Recurrence>) -> Schedule {
        let start_local = NaiveDateTime::parse_from_str(start, "%Y-%m-%dT%H:%M").unwrap();
        Schedule {
            start_local,
            tz: parse_timezone(tz).unwrap(),
            duration_minutes: 60,
            rule: recurrence.map(|r| Rule::from_wire(&r, start_local).unwrap()),
        }
    }

    fn weekly(days: Vec<Weekday>, count: Option<u32>, until: Option<NaiveDate>) -> Recurrence {
        Recurrence {
            frequency: Frequency::Weekly,
            interval: 1,
            weekdays: days,
            count,
            until,
        }
    }

    #[test]
    fn weekly_series_keep_their_wall_clock_time_across_daylight_saving() {
        // Berlin leaves summer time on 25 October 2026: 09:00 is 07:00 UTC before, 08:00 after.
        let s = schedule(
            "2026-10-19T09:00",
            "Europe/Berlin",
            Some(weekly(vec![], Some(3), None)),
        );
        let starts = s.starts_between(
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            Utc::now() + chrono::Duration::days(3650),
            10,
        );
        let utc: Vec<String> = starts
            .iter()
            .map(|t| t.format("%m-%d %H:%M").to_string())
            .collect();
        assert_eq!(utc, ["10-19 07:00", "10-26 08:00", "11-02 08:00"]);
        assert_eq!(
            s.last_end().unwrap(),
            Some(Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap())
        );
    }

    #[test]
    fn rules_round_trip_through_their_rrule_text() {
        let start = NaiveDateTime::parse_from_str("2026-12-10T09:00", "%Y-%m-%dT%H:%M").unwrap();
        let tz = parse_timezone("America/New_York").unwrap();
        let until = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
        let rule = Rule::from_wire(
            &weekly(
                vec![Weekday::Th, Weekday::Mo, Weekday::Th],
                None,
                Some(until),
            ),
            start,
        )
        .unwrap();
        let text = rule.to_rrule(tz);
        assert_eq!(
            text,
            "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH;UNTIL=20270401T035959Z"
        );
        assert_eq!(Rule::from_rrule(&text, tz), Some(rule));
    }

    #[test]
    fn bad_rules_and_times_are_refused() {
        let start = NaiveDateTime::parse_from_str("2026-12-10T09:00", "%Y-%m-%dT%H:%M").unwrap();
        let mut r = weekly(vec![], Some(1), None);
        assert!(Rule::from_wire(&r, start).is_err());
        r.count = Some(3);
        r.until = NaiveDate::from_ymd_opt(2027, 1, 1);
        assert!(Rule::from_wire(&r, start).is_err());
        r.count = None;
        r.until = NaiveDate::from_ymd_opt(2026, 12, 10);
        assert!(Rule::from_wire(&r, start).is_err());
        assert!(
            Rule::from_wire(&weekly(vec![Weekday::Mo], None, None), start).is_err(),
            "10 Dec 2026 is a Thursday"
        );
        let daily_on_days = Recurrence {
            frequency: Frequency::Daily,
            interval: 1,
            weekdays: vec![Weekday::Mo],
            count: None,
            until: None,
        };
        assert!(Rule::from_wire(&daily_on_days, start).is_err());
        assert!(parse_timezone("Mars/Olympus").is_err());
        // 02:30 does not exist in Berlin on 29 March 2026.
        let gap = NaiveDateTime::parse_from_str("2026-03-29T02:30", "%Y-%m-%dT%H:%M").unwrap();
        assert!(resolve(parse_timezone("Europe/Berlin").unwrap(), gap, "start").is_err());
    }

    #[test]
    fn monthly_and_open_ended_series() {
        let monthly = Recurrence {
            frequency: Frequency::Monthly,
            interval: 2,
            weekdays: vec![],
            count: None,
            until: None,
        };
        let s = schedule("2026-01-15T18:30", "UTC", Some(monthly));
        assert_eq!(s.last_end().unwrap(), None);
        let from = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
        let starts = s.starts_between(from, from + chrono::Duration::days(200), 2);
        assert_eq!(
            starts,
            [
                Utc.with_ymd_and_hms(2026, 5, 15, 18, 30, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 7, 15, 18, 30, 0).unwrap()
            ]
        );
        assert!(s.has_occurrence(starts[1]));
        assert!(!s.has_occurrence(starts[1] + chrono::Duration::hours(1)));
    }
}
