//! Claims record who made them: a phone's claim the player's nickname, a paper card's the name
//! the caller writes down; a bad name is refused before anything is recorded.

use crate::both_backends;
use crate::db::TestDb;
use bingo_core::{Event, EventKind, GameConfig, GameKind};
use bingo_service::{ErrorCode, Service};

both_backends!(claims_carry_the_claimants_name_to_the_prize);

fn claim_name(event: &Event) -> Option<&str> {
    match &event.kind {
        EventKind::ClaimAccepted { name, .. } | EventKind::ClaimRejected { name, .. } => name.as_deref(),
        other => panic!("not a claim: {other:?}"),
    }
}

async fn wins(node: &Service, id: &str, serial: u64) -> bool {
    node.check_card(id, serial).await.expect("check").verdict.is_win()
}

async fn claims_carry_the_claimants_name_to_the_prize(db: TestDb) {
    let node = db.node("a");
    let created = node.create_game(GameConfig::standard(GameKind::Ball90)).await.expect("create");
    let id = created.id.as_str();
    node.command(id, |g, now| g.open(now)).await.expect("open");
    let joined = node.join(&created.join_code, "  Ann ", 6).await.expect("join");
    let ann = node.player(&joined.player_token).await.expect("ann");
    let ann_cards: Vec<u64> = joined.cards.iter().map(|c| c.serial()).collect();
    let paper = node.issue_paper(id, 30).await.expect("paper");
    node.command(id, |g, now| g.start(now)).await.expect("start");
    node.command(id, |g, now| g.draw(now)).await.expect("draw");

    // Too early to win: rejected, but with who claimed.
    let rejected = node.claim(&ann, ann_cards[0]).await.expect("phone claim");
    assert_eq!(claim_name(&rejected), Some("Ann"), "{rejected:?}");
    let rejected = node.claim_paper(id, paper.first, Some(" Bob ")).await.expect("paper claim");
    assert_eq!(claim_name(&rejected), Some("Bob"), "{rejected:?}");
    let rejected = node.claim_paper(id, paper.first, Some("  ")).await.expect("blank name");
    assert_eq!(claim_name(&rejected), None, "a blank name counts as none");
    for bad in ["Bob\u{7}", "Bob\nBobson", &"B".repeat(25)] {
        let refused = node.claim_paper(id, paper.first, Some(bad)).await.expect_err("a bad name");
        assert_eq!(refused.code(), ErrorCode::Invalid, "{bad:?}: {refused}");
    }

    // The first winner, phone or paper, claims under its name; the prize is paid to that name.
    let (serial, name) = 'won: loop {
        node.command(id, |g, now| g.draw(now)).await.expect("draw");
        for &serial in &ann_cards {
            if wins(&node, id, serial).await {
                break 'won (serial, "Ann");
            }
        }
        for serial in paper.first..=paper.last {
            if wins(&node, id, serial).await {
                break 'won (serial, "Bob");
            }
        }
    };
    let accepted = if name == "Ann" {
        node.claim(&ann, serial).await.expect("claim")
    } else {
        node.claim_paper(id, serial, Some(name)).await.expect("claim")
    };
    assert!(matches!(accepted.kind, EventKind::ClaimAccepted { .. }), "{accepted:?}");
    assert_eq!(claim_name(&accepted), Some(name));
    assert_eq!(node.snapshot(id).await.expect("snapshot").game.pending_names, [Some(name.to_string())]);
    let settled = node.command(id, |g, now| g.draw(now)).await.expect("settle and draw");
    let EventKind::StageWon { winners, .. } = &settled[0].kind else { panic!("expected stage_won: {settled:?}") };
    assert_eq!(winners.iter().map(|w| (w.serial, w.name.as_deref())).collect::<Vec<_>>(), [(serial, Some(name))]);
}
