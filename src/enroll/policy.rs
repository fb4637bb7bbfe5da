//! Who may enroll, with which keys, for how long, how often, and when a renewal is due.

use crate::lifetime::Lifetime;
use crate::pki::{Entry, KeyAlgorithm};
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct Policy {
    /// Lifetime of the certificates issued.
    pub lifetime: Lifetime,
    /// The part of a certificate's lifetime, at its end, in which a renewal with the same key
    /// is granted: 1/3 by default, as the field guide suggests ("renew at two thirds").
    pub renew_window: f64,
    /// Key types certified.
    pub keys: Vec<KeyAlgorithm>,
    /// Devices that may enroll on `/csr` (flag mode: the identities of a bootstrap psk_file);
    /// `None`: any device.
    pub enrollers: Option<HashSet<String>>,
    /// Devices that may renew on `/renew` (a manifest's enrolling devices); `None`: any holder
    /// of a valid certificate of the PKI.
    pub renewers: Option<HashSet<String>>,
    /// Whether `/csr` from a device that holds a valid certificate for another key is granted
    /// (a device that was reset and lost its key) instead of refused.
    pub reenroll: bool,
}

impl Policy {
    pub fn may_enroll(&self, device: &str) -> bool {
        self.enrollers
            .as_ref()
            .is_none_or(|allowed| allowed.contains(device))
    }

    pub fn may_renew(&self, device: &str) -> bool {
        self.renewers
            .as_ref()
            .is_none_or(|allowed| allowed.contains(device))
    }

    /// Whether `entry` is inside its renewal window at `now`.
    pub fn renewal_due(&self, entry: &Entry, now: OffsetDateTime) -> bool {
        let life = entry.not_after - entry.not_before;
        let opens = entry.not_after - life * self.renew_window;
        now >= opens
    }
}

/// Requests per device in a sliding window: a device that loops on a bug, or a flood under one
/// identity, gets `rate-limited` instead of the CA's time.
#[derive(Debug)]
pub struct RateLimit {
    per_window: usize,
    window: Duration,
    seen: HashMap<String, VecDeque<Instant>>,
}

impl RateLimit {
    pub fn new(per_window: usize, window: Duration) -> RateLimit {
        RateLimit {
            per_window,
            window,
            seen: HashMap::new(),
        }
    }

    /// Counts a request from `device` at `now`; false when it is over the limit.
    pub fn allow(&mut self, device: &str, now: Instant) -> bool {
        if self.seen.len() > 100_000 {
            // Forget devices whose window has passed, so a stream of new ids cannot grow this.
            let window = self.window;
            self.seen.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        let times = self.seen.entry(device.to_string()).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() >= self.per_window {
            return false;
        }
        times.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_slides() {
        let mut limit = RateLimit::new(2, Duration::from_secs(60));
        let t = Instant::now();
        assert!(limit.allow("d", t));
        assert!(limit.allow("d", t));
        assert!(!limit.allow("d", t));
        assert!(limit.allow("other", t));
        assert!(limit.allow("d", t + Duration::from_secs(61)));
    }
}
