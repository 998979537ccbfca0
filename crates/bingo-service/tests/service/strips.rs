//! 90-ball tickets are sold by the strip (issue #16, defect 12): a join or paper batch of six is
//! one strip holding every number 1-90 once, whatever was issued before it and on whichever node.

use crate::both_backends;
use crate::db::TestDb;
use bingo_core::{Card, Event, EventKind, GameConfig, GameKind};
use bingo_service::Service;
use std::collections::BTreeSet;

both_backends!(ninety_ball_joins_and_paper_of_six_are_whole_strips);

/// Every number of `cards`, sorted, repeats kept.
fn numbers(cards: &[Card]) -> Vec<u8> {
    let mut all: Vec<u8> = cards.iter().flat_map(|c| c.cells().iter().copied().filter(|&n| n != 0)).collect();
    all.sort_unstable();
    all
}

fn assert_whole_strips(cards: &[Card], what: &str) {
    assert_eq!(cards.len() % 6, 0, "{what}");
    for strip in cards.chunks(6) {
        assert_eq!(numbers(strip), (1..=90).collect::<Vec<u8>>(), "{what}: serials {:?}", serials(strip));
    }
}

fn serials(cards: &[Card]) -> Vec<u64> {
    cards.iter().map(|c| c.serial()).collect()
}

async fn join(node: &Service, code: &str, name: &str, cards: u32) -> Vec<Card> {
    let joined = node.join(code, name, cards).await.expect("join");
    assert_eq!(joined.cards.len(), cards as usize);
    joined.cards
}

async fn ninety_ball_joins_and_paper_of_six_are_whole_strips(db: TestDb) {
    let (a, b) = (db.node("a"), db.node("b"));
    let mut config = GameConfig::standard(GameKind::Ball90);
    config.max_cards_per_player = 12;
    let created = a.create_game(config).await.expect("create");
    let (id, code) = (created.id, created.join_code);
    a.command(&id, |g, now| g.open(now)).await.expect("open");

    let mut issued: Vec<Vec<Card>> = Vec::new();
    // Joins of one to five cards first, on both nodes, and a paper batch of three in between:
    // none of them repeats a number (each stays inside one strip).
    for (n, cards) in [1, 2, 3, 4, 5, 4, 1].into_iter().enumerate() {
        let node = if n % 2 == 0 { &a } else { &b };
        let got = join(node, &code, &format!("few{n}"), cards).await;
        let distinct: BTreeSet<u8> = numbers(&got).into_iter().collect();
        assert_eq!(distinct.len(), got.len() * 15, "{cards} cards repeat a number: {:?}", serials(&got));
        issued.push(got);
        if n == 2 {
            issued.push(b.issue_paper(&id, 3).await.expect("paper").cards);
        }
    }
    for (n, node) in [&a, &b, &a, &b].into_iter().enumerate() {
        let six = join(node, &code, &format!("six{n}"), 6).await;
        assert_whole_strips(&six, &format!("a join of six on node {}", node.node()));
        issued.push(six);
    }
    let twelve = join(&b, &code, "twelve", 12).await;
    assert_whole_strips(&twelve, "a join of twelve");
    issued.push(twelve);
    let paper = a.issue_paper(&id, 6).await.expect("paper");
    assert_eq!(paper.last - paper.first, 5);
    assert_whole_strips(&paper.cards, "a paper batch of six");
    issued.push(paper.cards);
    let paper = b.issue_paper(&id, 18).await.expect("paper");
    assert_whole_strips(&paper.cards, "a paper batch of eighteen");
    issued.push(paper.cards);

    // No serial twice, and the ledger's issues are exactly the serials handed out (the skipped
    // ones are in no `cards_issued`).
    let handed: Vec<u64> = issued.iter().flat_map(|cards| serials(cards)).collect();
    let distinct: BTreeSet<u64> = handed.iter().copied().collect();
    assert_eq!(distinct.len(), handed.len(), "a serial given twice: {handed:?}");
    let mut recorded = BTreeSet::new();
    for stored in a.events_after(&id, 0, 1000).await.expect("events") {
        let event: Event = serde_json::from_str(&stored.payload).expect("event");
        if let EventKind::CardsIssued { first, last, .. } = event.kind {
            recorded.extend(first..=last);
        }
    }
    assert_eq!(recorded, distinct);
}
