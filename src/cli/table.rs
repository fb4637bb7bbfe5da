//! Tables for people: comfy-table with borders and colour on a terminal; in a pipe, plain
//! aligned columns written straight out, which stays fast at 100,000 rows and is easy to `awk`.

use super::{CliError, Ui};
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use std::io::{IsTerminal, Write};

/// Rows whose last column is a status (valid, expiring, revoked…), coloured by severity.
pub struct StatusTable {
    header: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

fn status_color(status: &str) -> Color {
    match status {
        "valid" | "create" => Color::Green,
        "expiring" | "superseded" | "update" => Color::Yellow,
        _ => Color::Red,
    }
}

fn ansi(status: &str) -> &'static str {
    match status_color(status) {
        Color::Green => "\x1b[32m",
        Color::Yellow => "\x1b[33m",
        _ => "\x1b[31m",
    }
}

impl StatusTable {
    pub fn new(header: &'static [&'static str]) -> Self {
        StatusTable {
            header,
            rows: Vec::new(),
        }
    }

    /// Adds a row; cells are escaped (they hold names and paths from files).
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(
            row.into_iter()
                .map(|cell| match super::escape(&cell) {
                    std::borrow::Cow::Borrowed(_) => cell,
                    std::borrow::Cow::Owned(escaped) => escaped,
                })
                .collect(),
        );
    }

    pub fn print(self, ui: &Ui) -> Result<(), CliError> {
        if std::io::stdout().is_terminal() {
            self.print_boxed(ui)
        } else {
            self.print_plain(ui)
        }
    }

    fn print_boxed(self, ui: &Ui) -> Result<(), CliError> {
        let mut table = Table::new();
        table.load_style(presets::UTF8_FULL_CONDENSED);
        table.set_content_arrangement(ContentArrangement::Dynamic);
        if ui.color() {
            table.enforce_styling();
        }
        table.set_header(self.header.iter().map(Cell::new));
        for mut row in self.rows {
            let status = row.pop().unwrap_or_default();
            let mut cells: Vec<Cell> = row.into_iter().map(Cell::new).collect();
            let cell = Cell::new(&status);
            cells.push(if ui.color() {
                cell.fg(status_color(&status))
            } else {
                cell
            });
            table.add_row(cells);
        }
        super::output::print_line(&table.to_string())
    }

    fn print_plain(self, ui: &Ui) -> Result<(), CliError> {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let mut line = String::new();
        let header = self
            .header
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>();
        for (n, row) in std::iter::once(&header).chain(&self.rows).enumerate() {
            line.clear();
            for (i, cell) in row.iter().enumerate() {
                if i + 1 == columns {
                    if n > 0 && ui.color() {
                        line.push_str(ansi(cell));
                        line.push_str(cell);
                        line.push_str("\x1b[0m");
                    } else {
                        line.push_str(cell);
                    }
                } else {
                    line.push_str(cell);
                    let pad = widths[i] - cell.chars().count() + 2;
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes()).map_err(CliError::stdout)?;
        }
        out.flush().map_err(CliError::stdout)
    }
}
