//! How the requests that arrived together are split for answering: pure functions, no I/O.

use std::collections::HashMap;

/// Splits `items` into rounds in which each key (a device) appears at most once, keeping
/// arrival order within each round: a device's n-th request goes to round n. Answering round
/// by round gives a device's later request the answer it would get had it come after the
/// earlier one was answered (the same key gets the certificate just issued, sent again).
pub fn rounds<T>(items: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<Vec<T>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rounds: Vec<Vec<T>> = Vec::new();
    for item in items {
        let count = seen.entry(key(&item).to_string()).or_insert(0);
        let round = *count;
        *count += 1;
        if rounds.len() <= round {
            rounds.push(Vec::new());
        }
        rounds[round].push(item);
    }
    rounds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(devices: &[&'static str]) -> Vec<Vec<&'static str>> {
        rounds(devices.to_vec(), |d| d)
    }

    #[test]
    fn each_device_once_per_round_in_arrival_order() {
        assert_eq!(split(&[]), Vec::<Vec<&str>>::new());
        assert_eq!(split(&["a", "b", "c"]), vec![vec!["a", "b", "c"]]);
        assert_eq!(
            split(&["a", "b", "a", "c", "a", "b"]),
            vec![vec!["a", "b", "c"], vec!["a", "b"], vec!["a"]]
        );
    }

    #[test]
    fn rounds_keep_every_item() {
        let items: Vec<(usize, String)> = (0..1000).map(|i| (i, format!("d{}", i % 7))).collect();
        let split = rounds(items, |(_, d)| d.as_str());
        assert_eq!(split.iter().map(Vec::len).sum::<usize>(), 1000);
        for round in &split {
            let mut devices: Vec<&str> = round.iter().map(|(_, d)| d.as_str()).collect();
            let n = devices.len();
            devices.sort_unstable();
            devices.dedup();
            assert_eq!(devices.len(), n, "a device twice in one round");
            assert!(round.windows(2).all(|w| w[0].0 < w[1].0), "order kept");
        }
    }
}
