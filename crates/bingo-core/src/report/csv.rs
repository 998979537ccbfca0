//! The report as one CSV table (RFC 4180: CRLF line ends, fields with a comma, quote or line end
//! quoted, quotes doubled). The `section` column says what a row is; the other columns are filled
//! where they mean something for it. Names come from strangers' phones, so any cell that a
//! spreadsheet would take for a formula gets a leading apostrophe.

use super::{Amount, Report};
use crate::config::DrawMode;
use crate::event::Channel;

pub(super) const HEADER: [&str; 11] =
    ["section", "stage", "item", "cards", "count", "name", "call", "ball", "amount_minor", "amount", "detail"];

#[derive(Default)]
pub(super) struct Row {
    section: &'static str,
    stage: String,
    item: String,
    cards: String,
    count: String,
    name: String,
    call: String,
    ball: String,
    amount_minor: String,
    amount: String,
    detail: String,
}

impl Row {
    pub(super) fn cells(self) -> [String; 11] {
        [
            self.section.to_string(),
            self.stage,
            self.item,
            self.cards,
            self.count,
            self.name,
            self.call,
            self.ball,
            self.amount_minor,
            self.amount,
            self.detail,
        ]
    }

    fn with_amount(mut self, amount: &Amount) -> Row {
        self.amount_minor = amount.minor.to_string();
        self.amount = amount.text.clone();
        self
    }
}

fn fact(section: &'static str, item: &str, detail: impl Into<String>) -> Row {
    Row { section, item: item.into(), detail: detail.into(), ..Row::default() }
}

fn counted(section: &'static str, item: &str, count: u64) -> Row {
    Row { section, item: item.into(), count: count.to_string(), ..Row::default() }
}

fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Phone => "phone",
        Channel::Paper => "paper",
    }
}

/// The cards `first..=last` as "7" or "7-9".
pub(super) fn serials(first: u64, last: u64) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

pub(super) fn rows(report: &Report) -> Vec<Row> {
    let game = &report.game;
    let mut rows = vec![
        fact("game", "id", report.game_id.as_str()),
        fact("game", "name", game.name.clone().unwrap_or_default()),
        fact("game", "kind", format!("{}-ball", game.kind)),
        fact("game", "currency", game.currency.clone().unwrap_or_default()),
        fact("game", "draw", if game.draw_mode == DrawMode::Manual { "manual" } else { "random" }),
        fact("game", "created", super::format_utc(game.created_at_ms)),
        fact("game", "started", opt(game.started_at_ms.map(super::format_utc))),
        fact("game", "finished", opt(game.finished_at_ms.map(super::format_utc))),
    ];
    for stage in &game.stages {
        rows.push(
            Row { section: "stage", stage: stage.stage.to_string(), item: stage.pattern.clone(), ..Row::default() }
                .with_amount(&stage.prize),
        );
    }
    for issue in &report.cards.issues {
        rows.push(Row {
            section: "issue",
            item: channel_name(issue.channel).into(),
            cards: serials(issue.first, issue.last),
            count: issue.count.to_string(),
            call: issue.after_call.to_string(),
            detail: if issue.late { "late" } else { "" }.into(),
            ..Row::default()
        });
    }
    let cards = &report.cards;
    for (item, count) in [("phone", cards.phone), ("paper", cards.paper), ("late", cards.late), ("total", cards.total)]
    {
        rows.push(counted("cards", item, count));
    }
    let balls = &report.balls;
    let numbers: Vec<String> = balls.numbers.iter().map(u8::to_string).collect();
    rows.push(Row { detail: numbers.join(" "), ..counted("balls", "called", u64::from(balls.called)) });
    for void in &balls.voided {
        rows.push(Row {
            section: "void",
            item: "voided".into(),
            call: void.call.to_string(),
            ball: void.number.to_string(),
            ..Row::default()
        });
    }
    for prize in &report.prizes {
        rows.push(
            Row {
                section: "prize",
                stage: prize.stage.to_string(),
                item: prize.pattern.clone(),
                cards: prize.serial.to_string(),
                name: prize.name.clone().unwrap_or_default(),
                call: opt(prize.call),
                ball: opt(prize.ball),
                ..Row::default()
            }
            .with_amount(&prize.amount),
        );
    }
    for kept in &report.house {
        rows.push(
            Row { section: "house", stage: kept.stage.to_string(), item: kept.pattern.clone(), ..Row::default() }
                .with_amount(&kept.amount),
        );
    }
    rows.push(
        Row { count: report.prizes.len().to_string(), ..fact("total", "paid", "") }.with_amount(&report.total_paid),
    );
    rows.push(fact("total", "house", "").with_amount(&report.total_house));
    money_rows(report, &mut rows);
    rows.push(counted("claims", "accepted", report.claims.accepted));
    rows.push(counted("claims", "rejected", report.claims.rejected));
    let fairness = &report.fairness;
    rows.push(fact("fairness", "commitment", fairness.commitment.to_string()));
    rows.push(fact(
        "fairness",
        "seed",
        fairness.seed.as_ref().map_or_else(|| "not revealed yet".into(), |s| s.to_hex()),
    ));
    rows.push(fact("fairness", "verify", fairness.verify.as_str()));
    rows
}

/// The sales and snowball rows, for a game that has them.
fn money_rows(report: &Report, rows: &mut Vec<Row>) {
    if let Some(sales) = &report.sales {
        for (item, count) in [("singles", sales.singles), ("strips", sales.strips), ("books", sales.books)] {
            rows.push(counted("sales", item, count));
        }
        let closed = if sales.closed { "closed at the first ball" } else { "open" };
        rows.push(fact("sales", "takings", closed).with_amount(&sales.takings));
        rows.push(fact("sales", "late takings", "").with_amount(&sales.late_takings));
    }
    if let Some(snowball) = &report.snowball {
        let outcome = format!("{:?}", snowball.outcome).to_lowercase();
        rows.push(
            Row { call: snowball.within.to_string(), ..fact("snowball", "pot", outcome) }.with_amount(&snowball.pot),
        );
        for winner in &snowball.winners {
            rows.push(
                Row {
                    section: "snowball",
                    item: "won".into(),
                    cards: winner.serial.to_string(),
                    name: winner.name.clone().unwrap_or_default(),
                    call: opt(winner.call),
                    ball: opt(winner.ball),
                    ..Row::default()
                }
                .with_amount(&winner.amount),
            );
        }
        if snowball.house.minor > 0 {
            rows.push(fact("snowball", "house", "").with_amount(&snowball.house));
        }
        if let Some(next) = &snowball.next_pot {
            rows.push(fact("snowball", "next pot", "").with_amount(next));
        }
    }
}

/// A cell as written: neutralised if a spreadsheet would run it, quoted if it needs to be.
pub(super) fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The report as CSV text, header first.
pub fn to_csv(report: &Report) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for row in rows(report) {
        let line: Vec<String> = row.cells().iter().map(|c| cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
pub(super) fn cell_for_test(text: &str) -> String {
    cell(text)
}
