//! The report as plain text, for a terminal (`bingo verify --ledger`). Names and a custom
//! pattern's name are quoted with their control characters escaped: they are whatever someone typed.

use super::csv::serials;
use super::{format_utc, Report};
use crate::config::DrawMode;
use crate::event::Channel;
use std::fmt::Write;

fn quoted(text: &str) -> String {
    format!("{text:?}")
}

fn who(name: &Option<String>) -> String {
    name.as_deref().map_or_else(String::new, |n| format!(" {}", quoted(n)))
}

/// The report, one fact per line.
pub fn to_text(report: &Report) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail; the results are ignored rather than unwrapped.
    let mut line = |text: String| {
        let _ = writeln!(out, "{text}");
    };
    let game = &report.game;
    line(format!(
        "REPORT of game {}{}",
        report.game_id,
        game.name.as_deref().map_or_else(String::new, |n| format!(" {}", quoted(n)))
    ));
    line(format!(
        "  game: {}-ball, {} draw, {}",
        game.kind,
        if game.draw_mode == DrawMode::Manual { "manual" } else { "random" },
        game.currency.as_deref().map_or_else(|| "prizes in minor units".to_string(), |c| format!("prizes in {c}"))
    ));
    line(format!("  created: {}", format_utc(game.created_at_ms)));
    line(format!("  started: {}", game.started_at_ms.map_or_else(|| "not started".into(), format_utc)));
    line(format!("  finished: {}", game.finished_at_ms.map_or_else(|| "not finished".into(), format_utc)));
    for stage in &game.stages {
        line(format!("  stage {} {}: prize {}", stage.stage, stage.pattern.escape_debug(), stage.prize.text));
    }
    let cards = &report.cards;
    if game.cards_recorded {
        line(format!(
            "  cards issued: {} ({} on phones, {} on paper; {} late)",
            cards.total, cards.phone, cards.paper, cards.late
        ));
    } else {
        line("  cards issued: not recorded (this game's log was made before issued cards were recorded)".into());
    }
    for issue in &cards.issues {
        let via = if issue.channel == Channel::Phone { "phone" } else { "paper" };
        let late = if issue.late { format!(", late, after call {}", issue.after_call) } else { String::new() };
        line(format!("    {via}: cards {} ({}){late}", serials(issue.first, issue.last), issue.count));
    }
    line(format!("  balls called: {}", report.balls.called));
    for void in &report.balls.voided {
        line(format!("    voided: call {} ({})", void.call, void.number));
    }
    if report.prizes.is_empty() {
        line("  prizes paid: none".into());
    } else {
        line("  prizes paid:".into());
    }
    for prize in &report.prizes {
        let when = match (prize.call, prize.ball) {
            (Some(call), Some(ball)) => format!(" (won on call {call}, ball {ball})"),
            (Some(call), None) => format!(" (won on call {call})"),
            _ => String::new(),
        };
        line(format!(
            "    stage {} {}: card {}{} {}{when}",
            prize.stage,
            prize.pattern.escape_debug(),
            prize.serial,
            who(&prize.name),
            prize.amount.text
        ));
    }
    for kept in &report.house {
        line(format!(
            "  kept by the house: stage {} {}: {}",
            kept.stage,
            kept.pattern.escape_debug(),
            kept.amount.text
        ));
    }
    line(format!("  total paid: {}", report.total_paid.text));
    if report.total_house.minor > 0 {
        line(format!("  total kept by the house: {}", report.total_house.text));
    }
    if let Some(sales) = &report.sales {
        line(format!(
            "  sales: {} singles, {} strips, {} books; takings {}{}; late takings {}",
            sales.singles,
            sales.strips,
            sales.books,
            sales.takings.text,
            if sales.closed { " (closed at the first ball)" } else { " (open)" },
            sales.late_takings.text
        ));
    }
    if let Some(snowball) = &report.snowball {
        let outcome = format!("{:?}", snowball.outcome).to_lowercase();
        let next = snowball.next_pot.as_ref().map_or_else(String::new, |n| format!("; next pot {}", n.text));
        line(format!("  snowball: {} within {} calls, {outcome}{next}", snowball.pot.text, snowball.within));
        for winner in &snowball.winners {
            line(format!("    card {}{} {}", winner.serial, who(&winner.name), winner.amount.text));
        }
        if snowball.house.minor > 0 {
            line(format!("    kept by the house: {}", snowball.house.text));
        }
    }
    line(format!("  claims: {} accepted, {} rejected", report.claims.accepted, report.claims.rejected));
    let fairness = &report.fairness;
    line(format!("  commitment: {}", fairness.commitment));
    line(format!("  seed: {}", fairness.seed.as_ref().map_or_else(|| "not revealed yet".into(), |s| s.to_hex())));
    line(format!("  check every figure: {}", fairness.verify));
    out
}
