//! Cards: a deterministic function of (game seed, serial). No grid is ever stored: the serial
//! printed on paper or shown on a phone identifies one card of one game.
//!
//! Within a game distinct serials give cards with distinct numbers, by construction (see
//! docs/FAIRNESS.md): a keyed permutation maps serials onto an index of column combinations
//! (`grid`), or onto the rotations that cut a 90-ball strip (`strip90`).

mod combinatorics;
mod grid;
mod placement;
mod strip90;

pub use placement::Placement;
pub use strip90::{TICKETS_PER_STRIP, TICKET_COLUMN_COUNTS};

use crate::kind::GameKind;
use crate::rng::prp::Prp;
use crate::rng::siphash::SipKey;
use crate::seed::Seed;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest card of any kind has 27 cells (90-ball: 3 x 9).
pub const MAX_CELLS: usize = 27;

/// A card (a 90-ball ticket is a card too). Cells are row-major; 0 marks a cell with no number
/// (the FREE centre of 75-ball, the blanks of a 90-ball ticket).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Card {
    kind: GameKind,
    serial: u64,
    cells: [u8; MAX_CELLS],
}

impl Card {
    pub fn kind(&self) -> GameKind {
        self.kind
    }

    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// The cells, row-major, `rows * cols` of them; 0 is a cell without a number.
    pub fn cells(&self) -> &[u8] {
        &self.cells[..usize::from(self.kind.cell_count())]
    }

    pub fn number_at(&self, row: u8, col: u8) -> Option<u8> {
        if row >= self.kind.rows() || col >= self.kind.cols() {
            return None;
        }
        match self.cells[usize::from(row * self.kind.cols() + col)] {
            0 => None,
            n => Some(n),
        }
    }

    /// Rows top to bottom, each cell a number or `None`.
    pub fn grid(&self) -> Vec<Vec<Option<u8>>> {
        self.cells()
            .chunks(usize::from(self.kind.cols()))
            .map(|row| row.iter().map(|&n| (n != 0).then_some(n)).collect())
            .collect()
    }

    /// The numbers on the card, in cell order.
    pub fn numbers(&self) -> impl Iterator<Item = u8> + '_ {
        self.cells().iter().copied().filter(|&n| n != 0)
    }

    /// Bit i set when cell i holds a number.
    pub fn numbered_mask(&self) -> u32 {
        self.cells().iter().enumerate().filter(|(_, &n)| n != 0).fold(0, |m, (i, _)| m | 1 << i)
    }

    /// The cell index holding `number`, if the card has it.
    pub fn cell_of(&self, number: u8) -> Option<usize> {
        if number == 0 {
            return None;
        }
        self.cells().iter().position(|&n| n == number)
    }

    /// For a 90-ball ticket: the strip number (from 1) and position in it (1 to 6).
    pub fn strip_position(&self) -> Option<(u64, u8)> {
        (self.kind == GameKind::Ball90).then(|| strip90::strip_and_position(self.serial))
    }
}

/// The card as one line of `bingo cards --format json` (schema in docs/CARDS.md).
impl Serialize for Card {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let strip = self.strip_position();
        let mut st = s.serialize_struct("Card", if strip.is_some() { 5 } else { 3 })?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("serial", &self.serial)?;
        if let Some((strip, position)) = strip {
            st.serialize_field("strip", &strip)?;
            st.serialize_field("position", &position)?;
        }
        st.serialize_field("grid", &self.grid())?;
        st.end()
    }
}

/// A card read back from what [`Serialize`] writes: the grid must fit the kind (its shape, each
/// number in its column's range, no number twice) and a 90-ball ticket's strip and position must
/// be its serial's. Whether the card belongs to a game is for the game's deck to say.
impl<'de> Deserialize<'de> for Card {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Written {
            kind: GameKind,
            serial: u64,
            #[serde(default)]
            strip: Option<u64>,
            #[serde(default)]
            position: Option<u8>,
            grid: Vec<Vec<Option<u8>>>,
        }
        use serde::de::Error;
        let w = Written::deserialize(d)?;
        let (rows, cols) = (usize::from(w.kind.rows()), usize::from(w.kind.cols()));
        if w.grid.len() != rows || w.grid.iter().any(|row| row.len() != cols) {
            return Err(D::Error::custom(format!("a {}-ball card has {rows} rows of {cols} cells", w.kind)));
        }
        let mut card = Card { kind: w.kind, serial: w.serial, cells: [0; MAX_CELLS] };
        for (i, cell) in w.grid.iter().flatten().enumerate() {
            let Some(n) = *cell else { continue };
            if w.kind.column_of(n) != Some(i % cols) || card.cells.contains(&n) {
                return Err(D::Error::custom(format!("{n} cannot stand in that cell of a {}-ball card", w.kind)));
            }
            card.cells[i] = n;
        }
        let expected = card.strip_position().map_or((None, None), |(strip, position)| (Some(strip), Some(position)));
        if (w.strip, w.position) != expected {
            return Err(D::Error::custom(format!("card {}: wrong strip and position", w.serial)));
        }
        Ok(card)
    }
}

/// A serial that names no card of the game.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("card serial {serial} does not exist: {kind}-ball serials run from 1 to {max}")]
    SerialOutOfRange { kind: GameKind, serial: u64, max: u64 },
}

/// Everything needed to derive the cards of one game, computed once from its seed.
#[derive(Clone)]
pub struct Deck {
    kind: GameKind,
    prp: Prp,
    face_key: SipKey,
    capacity: u64,
    layout: Layout,
}

/// How the kind lays out its cards.
#[derive(Clone)]
enum Layout {
    Grid(&'static grid::GridShape),
    Strips(strip90::StripSetup),
}

impl Deck {
    pub fn new(kind: GameKind, seed: &Seed) -> Self {
        let (prp_key, face_key) = seed.card_keys();
        let (index_size, capacity, layout) = match kind {
            GameKind::Ball90 => {
                let setup = strip90::StripSetup::new(face_key);
                (strip90::STRIP_COUNT, strip90::STRIP_COUNT * TICKETS_PER_STRIP, Layout::Strips(setup))
            }
            _ => {
                let n = grid::card_count(kind);
                (n, n, Layout::Grid(grid::GridShape::of(kind)))
            }
        };
        Deck { kind, prp: Prp::new(prp_key, index_size), face_key, capacity, layout }
    }

    pub fn kind(&self) -> GameKind {
        self.kind
    }

    /// Serials run from 1 to this number.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    fn check(&self, serial: u64) -> Result<(), CardError> {
        if serial == 0 || serial > self.capacity {
            return Err(CardError::SerialOutOfRange { kind: self.kind, serial, max: self.capacity });
        }
        Ok(())
    }

    /// The card with this serial.
    pub fn card(&self, serial: u64) -> Result<Card, CardError> {
        self.check(serial)?;
        Ok(match &self.layout {
            Layout::Strips(setup) => setup.ticket(&self.prp, self.face_key, serial),
            Layout::Grid(shape) => grid::card(shape, &self.prp, self.face_key, serial),
        })
    }

    /// The six tickets of 90-ball strip `strip` (numbered from 1); for other kinds, `None`.
    pub fn strip(&self, strip: u64) -> Result<Option<[Card; TICKETS_PER_STRIP as usize]>, CardError> {
        let Layout::Strips(setup) = &self.layout else { return Ok(None) };
        let first = strip.saturating_sub(1).saturating_mul(TICKETS_PER_STRIP).saturating_add(1);
        self.check(if strip == 0 { 0 } else { first })?;
        Ok(Some(setup.strip(&self.prp, self.face_key, strip - 1)))
    }
}

impl std::fmt::Debug for Deck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deck").field("kind", &self.kind).field("capacity", &self.capacity).finish()
    }
}
