//! Durations as users write them: `90d`, `12h`, `2y`, `3650d`; a plain number means days.

use std::fmt;
use std::str::FromStr;
use time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifetimeError {
    #[error(
        "invalid duration {input:?}: use a number of days or a number with h, d, w or y (e.g. 90d, 12h, 2y)"
    )]
    Invalid { input: String },
    #[error("{input:?} is longer than {MAX_YEARS} years, the longest duration mqauth accepts")]
    TooLong { input: String },
    #[error("{input:?} is too short: a lifetime must be at least 1 hour")]
    TooShort { input: String },
}

/// The longest duration accepted anywhere: dates stay far from overflow, and X.509's
/// GeneralizedTime ends at 9999.
pub const MAX_YEARS: i64 = 1000;

/// A span of time in whole hours, kept in the unit the user wrote it for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    amount: u32,
    unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Hours,
    Days,
    Weeks,
    Years,
}

impl Lifetime {
    pub const fn days(amount: u32) -> Self {
        Lifetime {
            amount,
            unit: Unit::Days,
        }
    }

    pub fn duration(self) -> Duration {
        let hours = i64::from(self.amount)
            * match self.unit {
                Unit::Hours => 1,
                Unit::Days => 24,
                Unit::Weeks => 24 * 7,
                Unit::Years => 24 * 365,
            };
        Duration::hours(hours)
    }

    pub fn is_zero(self) -> bool {
        self.amount == 0
    }
}

impl FromStr for Lifetime {
    type Err = LifetimeError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = || LifetimeError::Invalid {
            input: input.to_string(),
        };
        let s = input.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, suffix) = s.split_at(split);
        if digits.is_empty() {
            return Err(err());
        }
        let too_long = || LifetimeError::TooLong {
            input: input.to_string(),
        };
        let amount: u32 = digits.parse().map_err(|_| too_long())?;
        let unit = match suffix {
            "" | "d" => Unit::Days,
            "h" => Unit::Hours,
            "w" => Unit::Weeks,
            "y" => Unit::Years,
            _ => return Err(err()),
        };
        let lifetime = Lifetime { amount, unit };
        if lifetime.duration() > Duration::days(365 * MAX_YEARS) {
            return Err(too_long());
        }
        Ok(lifetime)
    }
}

/// Parses a certificate or CRL lifetime: a [`Lifetime`] of at least one hour (for clap's
/// `value_parser`, so a zero is a usage error).
pub fn positive(input: &str) -> Result<Lifetime, LifetimeError> {
    let lifetime: Lifetime = input.parse()?;
    if lifetime.duration() < Duration::hours(1) {
        return Err(LifetimeError::TooShort {
            input: input.to_string(),
        });
    }
    Ok(lifetime)
}

/// Parses how long to wait: seconds by default, or with s, m or h (`30s`, `2m`, `0`).
pub fn parse_wait(input: &str) -> Result<std::time::Duration, String> {
    let s = input.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let amount: u64 = digits.parse().map_err(|_| {
        format!(
            "invalid duration {input:?}: use seconds, or a number with s, m or h (e.g. 30s, 2m)"
        )
    })?;
    let seconds = match unit {
        "" | "s" => Some(amount),
        "m" => amount.checked_mul(60),
        "h" => amount.checked_mul(3600),
        _ => None,
    }
    .filter(|s| *s <= 7 * 24 * 3600)
    .ok_or_else(|| {
        format!(
            "invalid duration {input:?}: use seconds, or a number with s, m or h, at most a week"
        )
    })?;
    Ok(std::time::Duration::from_secs(seconds))
}

/// Whole days from `now` until `end`, rounded to the nearest day: a certificate issued for
/// 365 days shows 365, one that expired a day ago shows -1.
pub fn days_until(now: time::OffsetDateTime, end: time::OffsetDateTime) -> i64 {
    ((end - now).whole_seconds() + 43_200).div_euclid(86_400)
}

impl fmt::Display for Lifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::Hours => "h",
            Unit::Days => "d",
            Unit::Weeks => "w",
            Unit::Years => "y",
        };
        write!(f, "{}{unit}", self.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        let d = |s: &str| s.parse::<Lifetime>().unwrap().duration();
        assert_eq!(d("90"), Duration::days(90));
        assert_eq!(d("90d"), Duration::days(90));
        assert_eq!(d("12h"), Duration::hours(12));
        assert_eq!(d("2w"), Duration::days(14));
        assert_eq!(d("2y"), Duration::days(730));
        for bad in ["", "d", "-1", "1.5d", "10m", "1dd", "99999999999", "2000y"] {
            assert!(bad.parse::<Lifetime>().is_err(), "{bad}");
        }
        let e = "999999999".parse::<Lifetime>().unwrap_err().to_string();
        assert!(e.contains("longer than 1000 years"), "{e}");
        assert!(positive("0").is_err());
        assert!(positive("0h").is_err());
        assert!(positive("1h").is_ok());
    }

    #[test]
    fn days_are_counted_to_the_nearest_whole_day() {
        let now = time::macros::datetime!(2026-11-29 12:00 UTC);
        assert_eq!(
            days_until(now, now + Duration::days(365) - Duration::seconds(3)),
            365
        );
        assert_eq!(
            days_until(now, now - Duration::days(1) - Duration::seconds(3)),
            -1
        );
        assert_eq!(days_until(now, now), 0);
    }

    #[test]
    fn waits_are_seconds_by_default() {
        assert_eq!(parse_wait("30").unwrap().as_secs(), 30);
        assert_eq!(parse_wait("2m").unwrap().as_secs(), 120);
        assert_eq!(parse_wait("0").unwrap().as_secs(), 0);
        assert!(parse_wait("x").is_err());
        assert!(parse_wait("99999h").is_err());
    }
}
