//! The end-of-night report of a session: its games' reports (each from its own ledger) and the
//! night's totals, which are sums of figures the games' ledgers state. So `bingo verify --ledger`
//! on each game's file covers every number here. What it does not check is the chain between
//! games: that each snowball game was offered the pot the one before it left (the hall's
//! snowball history, GET /api/v1/snowball, lists both).

use super::csv::{cell, rows, HEADER};
use super::{Amount, Report, SnowballOutcome};
use serde::{Deserialize, Serialize};

/// A session's report: totals over its games, then each game's report in programme order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionReport {
    pub name: String,
    pub currency: Option<String>,
    pub totals: SessionTotals,
    pub games: Vec<Report>,
}

/// The night's figures, summed over its games.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTotals {
    pub games: u64,
    /// Games that have ended.
    pub finished: u64,
    pub cards: u64,
    pub phone_cards: u64,
    pub paper_cards: u64,
    pub singles: u64,
    pub strips: u64,
    pub books: u64,
    /// Takings before each game's first ball, and late takings.
    pub takings: Amount,
    pub late_takings: Amount,
    /// Stage prizes paid, and what the house kept of them and of a won snowball.
    pub prizes_paid: Amount,
    pub house: Amount,
    /// Snowball pots won; the pot carried out of the night's last game that played it.
    pub snowball_paid: Amount,
    pub snowball_next_pot: Option<Amount>,
    pub voided_calls: u64,
}

impl SessionReport {
    /// The report of session `name` from its games' reports, in programme order.
    pub fn build(name: &str, currency: Option<&str>, games: Vec<Report>) -> SessionReport {
        let sum = |f: &dyn Fn(&Report) -> u64| games.iter().fold(0u64, |t, r| t.saturating_add(f(r)));
        let money = |f: &dyn Fn(&Report) -> u64| Amount::new(sum(f), currency);
        let snowball_paid =
            |r: &Report| r.snowball.as_ref().map_or(0, |s| s.winners.iter().map(|w| w.amount.minor).sum());
        let next_pot = games
            .iter()
            .rev()
            .filter_map(|r| r.snowball.as_ref())
            .find(|s| s.outcome != SnowballOutcome::Open)
            .and_then(|s| s.next_pot.as_ref())
            .map(|a| Amount::new(a.minor, currency));
        let totals = SessionTotals {
            games: games.len() as u64,
            finished: sum(&|r| u64::from(r.game.finished_at_ms.is_some())),
            cards: sum(&|r| r.cards.total),
            phone_cards: sum(&|r| r.cards.phone),
            paper_cards: sum(&|r| r.cards.paper),
            singles: sum(&|r| r.sales.as_ref().map_or(0, |s| s.singles)),
            strips: sum(&|r| r.sales.as_ref().map_or(0, |s| s.strips)),
            books: sum(&|r| r.sales.as_ref().map_or(0, |s| s.books)),
            takings: money(&|r| r.sales.as_ref().map_or(0, |s| s.takings.minor)),
            late_takings: money(&|r| r.sales.as_ref().map_or(0, |s| s.late_takings.minor)),
            prizes_paid: money(&|r| r.total_paid.minor),
            house: money(&|r| r.total_house.minor.saturating_add(r.snowball.as_ref().map_or(0, |s| s.house.minor))),
            snowball_paid: money(&snowball_paid),
            snowball_next_pot: next_pot,
            voided_calls: sum(&|r| r.balls.voided.len() as u64),
        };
        SessionReport { name: name.to_string(), currency: currency.map(str::to_string), totals, games }
    }
}

/// The session report as one CSV table: the game's number (from 1; empty for the night's totals)
/// before the columns of a game's report (`to_csv`), the totals first.
pub fn session_to_csv(report: &SessionReport) -> String {
    let mut out = format!("game,{}\r\n", HEADER.join(","));
    let mut line = |game: &str, cells: [String; 11]| {
        let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        out.push_str(&format!("{game},{}\r\n", cells.join(",")));
    };
    let t = &report.totals;
    let total = |item: &str, count: String, amount: Option<&Amount>| {
        let (minor, text) = amount.map_or((String::new(), String::new()), |a| (a.minor.to_string(), a.text.clone()));
        let mut cells: [String; 11] = Default::default();
        cells[0] = "session".into();
        cells[2] = item.into();
        cells[4] = count;
        cells[8] = minor;
        cells[9] = text;
        cells
    };
    let mut head = vec![total("name", String::new(), None)];
    head[0][10] = report.name.clone();
    for (item, count) in [
        ("games", t.games),
        ("finished", t.finished),
        ("cards", t.cards),
        ("phone cards", t.phone_cards),
        ("paper cards", t.paper_cards),
        ("singles", t.singles),
        ("strips", t.strips),
        ("books", t.books),
        ("voided calls", t.voided_calls),
    ] {
        head.push(total(item, count.to_string(), None));
    }
    for (item, amount) in [
        ("takings", Some(&t.takings)),
        ("late takings", Some(&t.late_takings)),
        ("prizes paid", Some(&t.prizes_paid)),
        ("kept by the house", Some(&t.house)),
        ("snowball paid", Some(&t.snowball_paid)),
        ("snowball next pot", t.snowball_next_pot.as_ref()),
    ] {
        if let Some(amount) = amount {
            head.push(total(item, String::new(), Some(amount)));
        }
    }
    for cells in head {
        line("", cells);
    }
    for (i, game) in report.games.iter().enumerate() {
        for row in rows(game) {
            line(&(i + 1).to_string(), row.cells());
        }
    }
    out
}
