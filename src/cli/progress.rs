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
                    let _ = write!(w, "{}/s", indicatif::HumanCount(state.per_sec() as u64));
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
