//! Ticket sales: a game's figures (bingo-core's `Game::sales`, from its log) and paper books, sold
//! for a whole session at once.

use super::{now_ms, Result, Service, ServiceError};
use bingo_core::card::Placement;
use bingo_core::{GameState, Sales};
use serde::Serialize;

/// Books sold at a time: 1 to this many.
pub const MAX_BOOKS: u32 = 1000;

/// A book's cards in one game: serials `first..=last`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct BookCards {
    pub game_id: String,
    pub first: u64,
    pub last: u64,
    /// What these books cost in this game: the books times this game's part of a book's price.
    pub amount: u64,
}

/// The cards of the books sold, game by game (the games whose sales were open).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct BooksSold {
    pub games: Vec<BookCards>,
    /// What to charge: the sum of `amount`. Less than the books' full price when some games had
    /// already closed their sales (a late arrival's book holds only the games still to play).
    pub charged: u64,
}

impl Service {
    /// A game's sales as they stand.
    pub async fn sales(&self, game_id: &str) -> Result<Sales> {
        let live = self.live(game_id).await?;
        let live = live.lock().await;
        Ok(live.game.sales())
    }

    /// Sells `count` paper books of a session: in every game of it whose sales are open and that
    /// sells books, `count` times its book's cards, recorded as sold in books. Games are served in
    /// order; a game that refuses stops the sale there (the earlier games' cards stay sold, and
    /// the error says why).
    pub async fn sell_books(&self, session_id: &str, count: u32) -> Result<BooksSold> {
        if !(1..=MAX_BOOKS).contains(&count) {
            return Err(ServiceError::Invalid(format!("sell 1 to {MAX_BOOKS} books at a time")));
        }
        let id = session_id.to_string();
        let (_, games) = self
            .blocking(move |s| s.hall_session_with_games(&id))
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no session {session_id:?}")))?;
        let mut sold = Vec::new();
        for meta in games {
            if meta.state == GameState::Finished {
                continue;
            }
            let live = self.live(&meta.id).await?;
            let (book_cards, book_price, placement) = {
                let live = live.lock().await;
                let tickets = live.game.config().tickets.unwrap_or_default();
                if !live.game.sales_open() || tickets.book_cards == 0 {
                    continue;
                }
                (u32::from(tickets.book_cards), tickets.book, Placement::of(live.game.config().kind))
            };
            let cards = count * book_cards;
            let game_id = meta.id.clone();
            let range = self.blocking(move |s| s.issue_paper_cards(&game_id, cards, placement, now_ms())).await?;
            let (first, last) = (range.start, range.end.saturating_sub(1));
            self.command(&meta.id, |game, now| game.issue_books(first, last, count, now)).await?;
            let amount = book_price.saturating_mul(u64::from(count));
            sold.push(BookCards { game_id: meta.id, first, last, amount });
        }
        if sold.is_empty() {
            return Err(ServiceError::Conflict("no game of this session is selling books now".into()));
        }
        let charged = sold.iter().fold(0u64, |total, b| total.saturating_add(b.amount));
        Ok(BooksSold { games: sold, charged })
    }
}
