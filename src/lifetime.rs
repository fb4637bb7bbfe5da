//! Durations as users write them: `90d`, `12h`, `2y`, `3650d`; a plain number means days.

use std::fmt;
use std::str::FromStr;
use time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid duration {input:?}: use a number of days or a number with h, d, w or y (e.g. 90d, 12h, 2y)"
)]
pub struct LifetimeError {
    input: String,
}

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
        let err = || LifetimeError {
            input: input.to_string(),
        };
        let s = input.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, suffix) = s.split_at(split);
        if digits.is_empty() {
            return Err(err());
        }
        let amount: u32 = digits.parse().map_err(|_| err())?;
        let unit = match suffix {
            "" | "d" => Unit::Days,
            "h" => Unit::Hours,
            "w" => Unit::Weeks,
            "y" => Unit::Years,
            _ => return Err(err()),
        };
        // Keep arithmetic on dates far away from overflow: 1000 years is plenty.
        let lifetime = Lifetime { amount, unit };
        if lifetime.duration() > Duration::days(365 * 1000) {
            return Err(err());
        }
        Ok(lifetime)
    }
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
    }
}
