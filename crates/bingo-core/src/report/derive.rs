//! Deriving a report from events: one pass over the log, with no step that can panic (counts
//! saturate, lookups are checked) however the log was made.

use super::*;
use crate::event::{Event, EventKind};

/// An accepted claim, remembered until its stage is settled.
struct Accepted {
    stage: usize,
    serial: u64,
    call: u16,
    ball: Option<u8>,
}

pub(super) fn report(game_id: &str, events: &[Event]) -> Result<Report, ReportError> {
    let Some((created, rest)) = events.split_first() else {
        return Err(ReportError::NoGame);
    };
    let EventKind::GameCreated { config, commitment } = &created.kind else {
        return Err(ReportError::NoGame);
    };
    let currency = config.currency.as_deref();
    let patterns: Vec<String> = config
        .stages
        .iter()
        .map(|s| match s.pattern.resolve(config.kind) {
            Ok(p) => p.name,
            Err(_) => String::from("?"),
        })
        .collect();
    let pattern_of = |stage: usize| patterns.get(stage).cloned().unwrap_or_else(|| String::from("?"));
    let stage_number = |stage: usize| (stage as u64).saturating_add(1);

    let mut game = GameFacts {
        kind: config.kind,
        name: (!config.name.is_empty()).then(|| config.name.as_str().to_string()),
        currency: config.currency.clone(),
        draw_mode: config.draw_mode,
        cards_recorded: config.cards_in_ledger,
        stages: config
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| StageFacts {
                stage: stage_number(i),
                pattern: pattern_of(i),
                prize: Amount::new(s.prize, currency),
                share: s.share,
            })
            .collect(),
        created_at_ms: created.at_ms,
        started_at_ms: None,
        finished_at_ms: None,
    };
    let mut cards = CardsIssued { total: 0, phone: 0, paper: 0, late: 0, issues: Vec::new() };
    let mut calls: Vec<u8> = Vec::new();
    let mut voided = Vec::new();
    let mut accepted: Vec<Accepted> = Vec::new();
    let mut claims = ClaimCounts { accepted: 0, rejected: 0 };
    let (mut prizes, mut house) = (Vec::new(), Vec::new());
    let (mut total_paid, mut total_house) = (0u64, 0u64);
    let mut seed = None;
    let calls_so_far = |calls: &Vec<u8>| u16::try_from(calls.len()).unwrap_or(u16::MAX);
    let mut money = Money::default();

    for event in rest {
        match &event.kind {
            EventKind::GameStarted => {
                game.started_at_ms.get_or_insert(event.at_ms);
            }
            EventKind::GameFinished => {
                game.finished_at_ms.get_or_insert(event.at_ms);
            }
            EventKind::CardsIssued { first, last, channel, late, books } => {
                let count = last.checked_sub(*first).map_or(0, |d| d.saturating_add(1));
                money.sold(config, count, *books, *late);
                cards.total = cards.total.saturating_add(count);
                let by_channel = match channel {
                    Channel::Phone => &mut cards.phone,
                    Channel::Paper => &mut cards.paper,
                };
                *by_channel = by_channel.saturating_add(count);
                if *late {
                    cards.late = cards.late.saturating_add(count);
                }
                cards.issues.push(Issue {
                    first: *first,
                    last: *last,
                    count,
                    channel: *channel,
                    late: *late,
                    after_call: calls_so_far(&calls),
                });
            }
            EventKind::BallCalled { number, .. } => calls.push(*number),
            EventKind::BallVoided { call, number } => {
                voided.push(VoidedCall { call: *call, number: *number });
                if calls.last() == Some(number) {
                    calls.pop();
                }
            }
            EventKind::ClaimAccepted { serial, stage, call, .. } => {
                claims.accepted = claims.accepted.saturating_add(1);
                let ball = usize::from(*call).checked_sub(1).and_then(|i| calls.get(i)).copied();
                accepted.push(Accepted { stage: *stage, serial: *serial, call: *call, ball });
            }
            EventKind::ClaimRejected { .. } => claims.rejected = claims.rejected.saturating_add(1),
            EventKind::StageWon { stage, winners, house: kept, .. } => {
                for share in winners {
                    let claim = accepted.iter().find(|a| a.stage == *stage && a.serial == share.serial);
                    total_paid = total_paid.saturating_add(share.amount);
                    prizes.push(PrizePaid {
                        stage: stage_number(*stage),
                        pattern: pattern_of(*stage),
                        serial: share.serial,
                        name: share.name.clone(),
                        amount: Amount::new(share.amount, currency),
                        call: claim.map(|a| a.call),
                        ball: claim.and_then(|a| a.ball),
                    });
                }
                if *kept > 0 {
                    total_house = total_house.saturating_add(*kept);
                    house.push(HouseKept {
                        stage: stage_number(*stage),
                        pattern: pattern_of(*stage),
                        amount: Amount::new(*kept, currency),
                    });
                }
            }
            EventKind::SeedRevealed { seed: revealed } => seed = Some(revealed.clone()),
            EventKind::SalesClosed { takings, prizes } => {
                money.closed = true;
                money.takings = *takings;
                for (facts, prize) in game.stages.iter_mut().zip(prizes) {
                    facts.prize = Amount::new(*prize, currency);
                }
            }
            EventKind::SnowballOffered { pot, within } => {
                money.snowball = Some(SnowballReport {
                    pot: Amount::new(*pot, currency),
                    within: *within,
                    outcome: SnowballOutcome::Open,
                    winners: Vec::new(),
                    house: Amount::new(0, currency),
                    next_pot: None,
                });
            }
            EventKind::SnowballWon { winners, next_pot, house: kept, .. } => {
                if let Some(snowball) = &mut money.snowball {
                    snowball.outcome = SnowballOutcome::Won;
                    snowball.house = Amount::new(*kept, currency);
                    snowball.next_pot = Some(Amount::new(*next_pot, currency));
                    let last = game.stages.len().saturating_sub(1);
                    for share in winners {
                        let claim = accepted.iter().find(|a| a.stage == last && a.serial == share.serial);
                        snowball.winners.push(PrizePaid {
                            stage: stage_number(last),
                            pattern: String::from("Snowball"),
                            serial: share.serial,
                            name: share.name.clone(),
                            amount: Amount::new(share.amount, currency),
                            call: claim.map(|a| a.call),
                            ball: claim.and_then(|a| a.ball),
                        });
                    }
                }
            }
            EventKind::SnowballCarried { next_pot, .. } => {
                if let Some(snowball) = &mut money.snowball {
                    snowball.outcome = SnowballOutcome::Carried;
                    snowball.next_pot = Some(Amount::new(*next_pot, currency));
                }
            }
            EventKind::GameCreated { .. } | EventKind::GameOpened | EventKind::Paused | EventKind::Resumed => {}
        }
    }

    Ok(Report {
        game_id: game_id.to_string(),
        game,
        cards,
        balls: Balls { called: calls_so_far(&calls), numbers: calls, voided },
        prizes,
        house,
        total_paid: Amount::new(total_paid, currency),
        total_house: Amount::new(total_house, currency),
        claims,
        sales: config.has_sales().then(|| money.sales_report(currency)),
        snowball: money.snowball,
        fairness: Fairness { commitment: *commitment, seed, verify: VERIFY_COMMAND.to_string() },
    })
}

/// Tickets and takings as the events state them.
#[derive(Default)]
struct Money {
    singles: u64,
    strips: u64,
    books: u64,
    takings: u64,
    late_takings: u64,
    closed: bool,
    snowball: Option<SnowballReport>,
}

impl Money {
    /// Counts one issue's tickets at the game's prices (an issue that does not price counts as
    /// nothing sold: `bingo verify` refuses such a log).
    fn sold(&mut self, config: &crate::GameConfig, cards: u64, books: Option<u32>, late: bool) {
        let Some(prices) = &config.tickets else { return };
        let Ok(priced) = crate::sales::price_issue(prices, config.kind, cards, books) else { return };
        self.singles = self.singles.saturating_add(priced.singles);
        self.strips = self.strips.saturating_add(priced.strips);
        self.books = self.books.saturating_add(priced.books);
        let till = if late { &mut self.late_takings } else { &mut self.takings };
        *till = till.saturating_add(priced.amount);
    }

    fn sales_report(&self, currency: Option<&str>) -> SalesReport {
        SalesReport {
            singles: self.singles,
            strips: self.strips,
            books: self.books,
            takings: Amount::new(self.takings, currency),
            late_takings: Amount::new(self.late_takings, currency),
            closed: self.closed,
        }
    }
}
