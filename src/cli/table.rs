//! Tables for people: borders and colour on a terminal, plain aligned columns in a pipe.

use super::Ui;
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use std::io::IsTerminal;

pub fn new_table(ui: &Ui, header: &[&str]) -> Table {
    let mut table = Table::new();
    if std::io::stdout().is_terminal() {
        table.load_style(presets::UTF8_FULL_CONDENSED);
        table.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table.load_style(presets::NOTHING);
        table.force_no_tty();
    }
    if ui.color() {
        table.enforce_styling();
    }
    table.set_header(header.iter().map(Cell::new));
    table
}

/// A status cell coloured by how worrying the status is.
pub fn status_cell(ui: &Ui, status: &str) -> Cell {
    let cell = Cell::new(status);
    if !ui.color() {
        return cell;
    }
    match status {
        "valid" => cell.fg(Color::Green),
        "expiring" | "superseded" => cell.fg(Color::Yellow),
        _ => cell.fg(Color::Red),
    }
}
