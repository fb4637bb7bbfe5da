//! A progress bar on stderr for long batches; invisible when stderr is not a terminal.

use super::Ui;
use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar for `total` items, shown only for batches big enough to take a noticeable time.
    pub fn new(ui: &Ui, total: u64, what: &str) -> Self {
        if !ui.wants_progress() || total < 200 {
            return Progress { bar: None };
        }
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template(&format!(
            "{{spinner}} {what} [{{bar:40}}] {{human_pos}}/{{human_len}} ({{rate}}, {{eta}} left)"
        )) {
            // indicatif's own {per_sec} prints "1131.2087/s"; a whole number reads better.
            let style = style.with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = w.write_str(&rate(state.per_sec()));
                },
            );
            bar.set_style(style.progress_chars("=> "));
        }
        Progress { bar: Some(bar) }
    }

    /// The callback the library calls as items complete.
    pub fn tick(&self) -> impl Fn(u64) + Sync + '_ {
        move |n| {
            if let Some(bar) = &self.bar {
                bar.inc(n);
            }
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Items per second as a whole number with thousands separators: `1,131/s`.
fn rate(per_sec: f64) -> String {
    format!(
        "{}/s",
        indicatif::HumanCount(per_sec.max(0.0).round() as u64)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rates_are_whole_numbers() {
        assert_eq!(super::rate(1131.2087), "1,131/s");
        assert_eq!(super::rate(0.4), "0/s");
        assert_eq!(super::rate(f64::NAN), "0/s");
    }
}
