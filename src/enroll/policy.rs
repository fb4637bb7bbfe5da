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

    /// When `entry`'s renewal window opens.
    fn window_opens(&self, entry: &Entry) -> OffsetDateTime {
        let life = entry.not_after - entry.not_before;
        entry.not_after - life * self.renew_window
    }

    /// Whether `entry` is inside its renewal window at `now`.
    pub fn renewal_due(&self, entry: &Entry, now: OffsetDateTime) -> bool {
        now >= self.window_opens(entry)
    }

    /// When the holder of `entry` should ask for a renewal: a point in the first half of the
    /// renewal window, taken from the certificate's serial (random, so spread evenly over a
    /// fleet; fixed per certificate, so an answer sent again says the same), leaving the
    /// second half for retries.
    pub fn renew_after(&self, entry: &Entry) -> OffsetDateTime {
        let opens = self.window_opens(entry);
        let bytes = entry.serial.as_bytes();
        let mut spread = [0u8; 8];
        for (i, b) in bytes.iter().rev().take(8).enumerate() {
            spread[i] = *b;
        }
        let fraction = u64::from_le_bytes(spread) as f64 / u64::MAX as f64;
        opens + (entry.not_after - opens) * (fraction / 2.0)
    }
}

/// The window the per-device rate counts requests in.
pub const RATE_WINDOW: Duration = Duration::from_secs(60);

/// What the rate limit says of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateVerdict {
    Allow,
    /// Over the limit: answered `rate-limited` (once per device per window).
    Refuse,
    /// Over the limit again within the same window: acknowledged and counted, nothing more,
    /// so that a flood costs the service neither answers nor log lines.
    RefuseQuietly,
}

#[derive(Debug, Default)]
struct DeviceRate {
    times: VecDeque<Instant>,
    /// When a refusal was last answered.
    refused: Option<Instant>,
    /// Quiet refusals since the last [`RateLimit::take_quiet`].
    quiet: u64,
}

/// Requests per device in a sliding window: a device that loops on a bug, or a flood under one
/// identity, gets `rate-limited` instead of the CA's time.
#[derive(Debug)]
pub struct RateLimit {
    per_window: usize,
    window: Duration,
    seen: HashMap<String, DeviceRate>,
}

impl RateLimit {
    pub fn new(per_window: usize, window: Duration) -> RateLimit {
        RateLimit {
            per_window,
            window,
            seen: HashMap::new(),
        }
    }

    /// Counts a request from `device` at `now`.
    pub fn check(&mut self, device: &str, now: Instant) -> RateVerdict {
        if self.seen.len() > 100_000 {
            // Forget devices whose window has passed, so a stream of new ids cannot grow this.
            let window = self.window;
            self.seen.retain(|_, rate| {
                rate.quiet > 0
                    || rate
                        .times
                        .back()
                        .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        let window = self.window;
        let rate = self.seen.entry(device.to_string()).or_default();
        while rate
            .times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            rate.times.pop_front();
        }
        if rate.times.len() < self.per_window {
            rate.times.push_back(now);
            return RateVerdict::Allow;
        }
        match rate.refused {
            Some(at) if now.duration_since(at) < window => {
                rate.quiet += 1;
                RateVerdict::RefuseQuietly
            }
            _ => {
                rate.refused = Some(now);
                RateVerdict::Refuse
            }
        }
    }

    /// The devices refused quietly since the last call, with how many requests each.
    pub fn take_quiet(&mut self) -> Vec<(String, u64)> {
        let mut quiet: Vec<(String, u64)> = self
            .seen
            .iter_mut()
            .filter(|(_, rate)| rate.quiet > 0)
            .map(|(device, rate)| (device.clone(), std::mem::take(&mut rate.quiet)))
            .collect();
        quiet.sort();
        quiet
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{Profile, Serial, Status};

    fn entry(serial: Serial, not_before: OffsetDateTime, days: i64) -> Entry {
        Entry {
            serial,
            name: "d".into(),
            profile: Profile::Client,
            subject: "CN=d".into(),
            issuer: "CN=i".into(),
            sans: Vec::new(),
            key: KeyAlgorithm::P256,
            not_before,
            not_after: not_before + time::Duration::days(days),
            status: Status::Valid,
            revoked_at: None,
            reason: None,
            superseded_by: None,
            fingerprint_sha256: None,
            key_held: false,
            spki_sha256: None,
            allowed_at: None,
        }
    }

    #[test]
    fn renew_after_is_spread_inside_the_window() {
        let policy = Policy {
            lifetime: "90d".parse().expect("lifetime"),
            renew_window: 1.0 / 3.0,
            keys: vec![KeyAlgorithm::P256],
            enrollers: None,
            renewers: None,
            reenroll: false,
        };
        let start = time::macros::datetime!(2026-01-01 0:00 UTC);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let e = entry(Serial::random(), start, 90);
            let after = policy.renew_after(&e);
            assert!(policy.renewal_due(&e, after), "inside the window");
            assert!(
                after <= e.not_after - time::Duration::days(15),
                "first half"
            );
            assert_eq!(after, policy.renew_after(&e), "fixed per certificate");
            seen.insert(after.unix_timestamp() / 3600);
        }
        assert!(
            seen.len() > 100,
            "spread over the window: {} hours",
            seen.len()
        );
    }

    #[test]
    fn rate_limit_slides_and_answers_a_flood_once_per_window() {
        use RateVerdict::*;
        let mut limit = RateLimit::new(2, Duration::from_secs(60));
        let t = Instant::now();
        assert_eq!(limit.check("d", t), Allow);
        assert_eq!(limit.check("d", t), Allow);
        assert_eq!(limit.check("d", t), Refuse);
        for _ in 0..1000 {
            assert_eq!(limit.check("d", t), RefuseQuietly);
        }
        assert_eq!(limit.check("other", t), Allow);
        assert_eq!(limit.take_quiet(), [("d".to_string(), 1000)]);
        assert_eq!(limit.take_quiet(), []);
        let later = t + Duration::from_secs(61);
        assert_eq!(limit.check("d", later), Allow);
        assert_eq!(limit.check("d", later), Allow);
        assert_eq!(
            limit.check("d", later),
            Refuse,
            "answered again in a new window"
        );
    }
}
