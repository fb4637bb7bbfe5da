//! A local broker's CPU time, from /proc/PID/stat (utime + stime): read before and after a
//! storm, the difference is what the storm cost it, whatever else the machine did.

use super::error::StormError;

/// User plus system CPU seconds the process has used so far.
pub(crate) fn cpu_seconds(pid: u32) -> Result<f64, StormError> {
    let fail = |why: String| StormError::BrokerPid { pid, why };
    let path = format!("/proc/{pid}/stat");
    let text = std::fs::read_to_string(&path).map_err(|e| fail(format!("{path}: {e}")))?;
    let ticks =
        parse_stat(&text).ok_or_else(|| fail(format!("{path}: not in the known format")))?;
    let per_second = rustix::param::clock_ticks_per_second();
    if per_second == 0 {
        return Err(fail("the clock tick rate is unknown".into()));
    }
    Ok(ticks as f64 / per_second as f64)
}

/// utime + stime in clock ticks. The command name (field 2) is in parentheses and may hold
/// spaces and parentheses itself, so fields are counted from the last `)`.
fn parse_stat(text: &str) -> Option<u64> {
    let (_, rest) = text.rsplit_once(')')?;
    // After the name: state is field 3, so utime (14) and stime (15) are the 12th and 13th.
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_after_the_name() {
        let line = "4242 (mos quit) o) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 1 0";
        assert_eq!(parse_stat(line), Some(325));
        assert_eq!(parse_stat("garbage"), None);
        assert!(cpu_seconds(std::process::id()).is_ok());
    }
}
