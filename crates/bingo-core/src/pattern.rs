//! Winning patterns: a pattern is a set of alternative cell masks, and a card wins when every
//! numbered cell of any one mask is called. Cells without a number (the FREE centre, 90-ball
//! blanks) count as marked, so a 90-ball "row" mask is complete when its five numbers are called.

use crate::kind::GameKind;
use serde::{Deserialize, Serialize};

/// One way to complete a pattern, e.g. "row 2" of "any line".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alternative {
    pub label: String,
    /// Bit `row * cols + col` set when the cell is part of this alternative.
    pub mask: u32,
}

/// A resolved pattern for one kind of game.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pattern {
    /// The built-in id ("any-line") or "custom".
    pub id: String,
    /// A name to show players ("Any line").
    pub name: String,
    pub kind: GameKind,
    pub alternatives: Vec<Alternative>,
}

/// How a game configuration names a pattern.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PatternSpec {
    /// A built-in pattern by id; `builtin_ids(kind)` lists them.
    Builtin(String),
    /// "Complete any one of these masks". Each mask is a list of rows, one character per cell:
    /// `X` (or `x`, `#`, `1`) for a cell of the pattern, `.` (or `-`, `0`, space) for any other.
    Custom {
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
        name: String,
        #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 64))]
        masks: Vec<Vec<String>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("there is no built-in pattern {id:?} for {kind}-ball; choose one of: {known}")]
    UnknownBuiltin { kind: GameKind, id: String, known: String },
    #[error("a custom pattern needs a name of 1 to 64 characters")]
    BadName,
    #[error("a custom pattern needs 1 to {max} masks, got {got}")]
    MaskCount { got: usize, max: usize },
    #[error("mask {mask}: a {kind}-ball card has {rows} rows of {cols} cells; {problem}")]
    BadShape { mask: usize, kind: GameKind, rows: u8, cols: u8, problem: String },
    #[error("mask {mask} has no numbered cell, so every card would win it at once")]
    NoNumberedCell { mask: usize },
    #[error("mask {mask}: 90-ball tickets place their blanks differently, so a 90-ball mask must take whole rows")]
    PartialRowOn90 { mask: usize },
}

pub const MAX_CUSTOM_MASKS: usize = 64;

type Builder = fn(GameKind) -> Vec<Alternative>;

struct Builtin {
    id: &'static str,
    name: &'static str,
    kinds: &'static [GameKind],
    build: Builder,
}

use GameKind::{Ball30 as K30, Ball75 as K75, Ball80 as K80, Ball90 as K90};

const BUILTINS: &[Builtin] = &[
    Builtin { id: "any-line", name: "Any line", kinds: &[K75], build: any_line },
    Builtin { id: "line", name: "Line", kinds: &[K80], build: any_line },
    Builtin { id: "line", name: "Line", kinds: &[K30], build: rows_only },
    Builtin { id: "four-corners", name: "Four corners", kinds: &[K75, K80], build: four_corners },
    Builtin { id: "x", name: "X", kinds: &[K75], build: letter_x },
    Builtin { id: "plus", name: "Plus sign", kinds: &[K75], build: plus },
    Builtin { id: "postage-stamp", name: "Postage stamp", kinds: &[K75], build: postage_stamp },
    Builtin { id: "outside-frame", name: "Outside picture frame", kinds: &[K75], build: outside_frame },
    Builtin { id: "inside-frame", name: "Inside picture frame", kinds: &[K75], build: inside_frame },
    Builtin { id: "letter-l", name: "Letter L", kinds: &[K75], build: letter_l },
    Builtin { id: "letter-t", name: "Letter T", kinds: &[K75], build: letter_t },
    Builtin { id: "letter-h", name: "Letter H", kinds: &[K75], build: letter_h },
    Builtin { id: "centre", name: "Centre square", kinds: &[K80], build: centre },
    Builtin { id: "blackout", name: "Blackout", kinds: &[K75], build: full_card },
    Builtin { id: "full-card", name: "Full card", kinds: &[K80, K30], build: full_card },
    Builtin { id: "one-line", name: "One line", kinds: &[K90], build: rows_only },
    Builtin { id: "two-lines", name: "Two lines", kinds: &[K90], build: two_lines },
    Builtin { id: "full-house", name: "Full house", kinds: &[K90], build: full_card },
    Builtin { id: "top-line", name: "Top line", kinds: &[K90], build: |k| single_row(k, 0) },
    Builtin { id: "middle-line", name: "Middle line", kinds: &[K90], build: |k| single_row(k, 1) },
    Builtin { id: "bottom-line", name: "Bottom line", kinds: &[K90], build: |k| single_row(k, 2) },
];

/// The built-in pattern ids available for a kind.
pub fn builtin_ids(kind: GameKind) -> Vec<&'static str> {
    BUILTINS.iter().filter(|b| b.kinds.contains(&kind)).map(|b| b.id).collect()
}

/// The usual stages of a game of this kind, as built-in pattern ids.
pub fn default_stages(kind: GameKind) -> &'static [&'static str] {
    match kind {
        K75 => &["any-line", "blackout"],
        K90 => &["one-line", "two-lines", "full-house"],
        K80 => &["line", "full-card"],
        K30 => &["full-card"],
    }
}

fn bit(kind: GameKind, row: u8, col: u8) -> u32 {
    1 << (row * kind.cols() + col)
}

fn row_mask(kind: GameKind, row: u8) -> u32 {
    (0..kind.cols()).fold(0, |m, c| m | bit(kind, row, c))
}

fn col_mask(kind: GameKind, col: u8) -> u32 {
    (0..kind.rows()).fold(0, |m, r| m | bit(kind, r, col))
}

fn alt(label: impl Into<String>, mask: u32) -> Alternative {
    Alternative { label: label.into(), mask }
}

fn column_label(kind: GameKind, col: u8) -> String {
    match kind {
        K75 => format!("column {}", ["B", "I", "N", "G", "O"][usize::from(col)]),
        _ => format!("column {}", col + 1),
    }
}

fn diagonals(kind: GameKind) -> [u32; 2] {
    let n = kind.rows();
    let down = (0..n).fold(0, |m, i| m | bit(kind, i, i));
    let up = (0..n).fold(0, |m, i| m | bit(kind, i, n - 1 - i));
    [down, up]
}

fn rows_only(kind: GameKind) -> Vec<Alternative> {
    (0..kind.rows()).map(|r| alt(format!("row {}", r + 1), row_mask(kind, r))).collect()
}

fn single_row(kind: GameKind, row: u8) -> Vec<Alternative> {
    vec![alt(format!("row {}", row + 1), row_mask(kind, row))]
}

fn any_line(kind: GameKind) -> Vec<Alternative> {
    let mut alts = rows_only(kind);
    alts.extend((0..kind.cols()).map(|c| alt(column_label(kind, c), col_mask(kind, c))));
    let [down, up] = diagonals(kind);
    alts.push(alt("diagonal from top left", down));
    alts.push(alt("diagonal from top right", up));
    alts
}

fn two_lines(kind: GameKind) -> Vec<Alternative> {
    let pairs = [(0, 1), (0, 2), (1, 2)];
    pairs
        .iter()
        .map(|&(a, b)| alt(format!("rows {} and {}", a + 1, b + 1), row_mask(kind, a) | row_mask(kind, b)))
        .collect()
}

fn full_card(kind: GameKind) -> Vec<Alternative> {
    vec![alt("the whole card", (1u32 << kind.cell_count()) - 1)]
}

fn four_corners(kind: GameKind) -> Vec<Alternative> {
    let (r, c) = (kind.rows() - 1, kind.cols() - 1);
    vec![alt("four corners", bit(kind, 0, 0) | bit(kind, 0, c) | bit(kind, r, 0) | bit(kind, r, c))]
}

fn letter_x(kind: GameKind) -> Vec<Alternative> {
    let [down, up] = diagonals(kind);
    vec![alt("both diagonals", down | up)]
}

fn plus(kind: GameKind) -> Vec<Alternative> {
    vec![alt("middle row and column", row_mask(kind, 2) | col_mask(kind, 2))]
}

fn block(kind: GameKind, top: u8, left: u8, height: u8, width: u8) -> u32 {
    let mut m = 0;
    for r in top..top + height {
        for c in left..left + width {
            m |= bit(kind, r, c);
        }
    }
    m
}

fn postage_stamp(kind: GameKind) -> Vec<Alternative> {
    vec![
        alt("top left stamp", block(kind, 0, 0, 2, 2)),
        alt("top right stamp", block(kind, 0, 3, 2, 2)),
        alt("bottom left stamp", block(kind, 3, 0, 2, 2)),
        alt("bottom right stamp", block(kind, 3, 3, 2, 2)),
    ]
}

fn outside_frame(kind: GameKind) -> Vec<Alternative> {
    let m = row_mask(kind, 0) | row_mask(kind, 4) | col_mask(kind, 0) | col_mask(kind, 4);
    vec![alt("outside frame", m)]
}

fn inside_frame(kind: GameKind) -> Vec<Alternative> {
    vec![alt("inside frame", block(kind, 1, 1, 3, 3) & !bit(kind, 2, 2))]
}

fn letter_l(kind: GameKind) -> Vec<Alternative> {
    vec![alt("letter L", col_mask(kind, 0) | row_mask(kind, 4))]
}

fn letter_t(kind: GameKind) -> Vec<Alternative> {
    vec![alt("letter T", row_mask(kind, 0) | col_mask(kind, 2))]
}

fn letter_h(kind: GameKind) -> Vec<Alternative> {
    vec![alt("letter H", col_mask(kind, 0) | col_mask(kind, 4) | row_mask(kind, 2))]
}

fn centre(kind: GameKind) -> Vec<Alternative> {
    vec![alt("centre square", block(kind, 1, 1, 2, 2))]
}

/// Cells that never hold a number for this kind (the 75-ball FREE centre).
fn always_free(kind: GameKind) -> u32 {
    match kind {
        K75 => bit(kind, 2, 2),
        _ => 0,
    }
}

fn parse_mask(kind: GameKind, index: usize, rows: &[String]) -> Result<u32, PatternError> {
    let shape = |problem: String| PatternError::BadShape {
        mask: index + 1,
        kind,
        rows: kind.rows(),
        cols: kind.cols(),
        problem,
    };
    if rows.len() != usize::from(kind.rows()) {
        return Err(shape(format!("this mask has {} rows", rows.len())));
    }
    let mut mask = 0u32;
    for (r, line) in rows.iter().enumerate() {
        let cells: Vec<char> = line.chars().collect();
        if cells.len() != usize::from(kind.cols()) {
            return Err(shape(format!("row {} has {} cells", r + 1, cells.len())));
        }
        for (c, ch) in cells.iter().enumerate() {
            match ch {
                'X' | 'x' | '#' | '1' => mask |= bit(kind, r as u8, c as u8),
                '.' | '-' | '0' | ' ' => {}
                other => {
                    return Err(shape(format!(
                        "row {} has {other:?}; use X for a pattern cell and . for others",
                        r + 1
                    )))
                }
            }
        }
    }
    if mask & !always_free(kind) == 0 {
        return Err(PatternError::NoNumberedCell { mask: index + 1 });
    }
    if kind == K90 && (0..kind.rows()).any(|r| ![0, row_mask(kind, r)].contains(&(mask & row_mask(kind, r)))) {
        return Err(PatternError::PartialRowOn90 { mask: index + 1 });
    }
    Ok(mask)
}

impl PatternSpec {
    /// The pattern this spec names, for a game of `kind`.
    pub fn resolve(&self, kind: GameKind) -> Result<Pattern, PatternError> {
        match self {
            PatternSpec::Builtin(id) => {
                let b = BUILTINS.iter().find(|b| b.id == id && b.kinds.contains(&kind)).ok_or_else(|| {
                    PatternError::UnknownBuiltin { kind, id: id.clone(), known: builtin_ids(kind).join(", ") }
                })?;
                Ok(Pattern { id: b.id.to_string(), name: b.name.to_string(), kind, alternatives: (b.build)(kind) })
            }
            PatternSpec::Custom { name, masks } => {
                let name = name.trim();
                if name.is_empty() || name.chars().count() > 64 {
                    return Err(PatternError::BadName);
                }
                if masks.is_empty() || masks.len() > MAX_CUSTOM_MASKS {
                    return Err(PatternError::MaskCount { got: masks.len(), max: MAX_CUSTOM_MASKS });
                }
                let alternatives = masks
                    .iter()
                    .enumerate()
                    .map(|(i, rows)| Ok(alt(format!("mask {}", i + 1), parse_mask(kind, i, rows)?)))
                    .collect::<Result<_, PatternError>>()?;
                Ok(Pattern { id: "custom".into(), name: name.to_string(), kind, alternatives })
            }
        }
    }
}

impl Pattern {
    /// An alternative drawn as rows of `X` and `.`, for showing the pattern on a card diagram.
    pub fn picture(&self, alternative: usize) -> Vec<String> {
        let mask = self.alternatives.get(alternative).map_or(0, |a| a.mask);
        (0..self.kind.rows())
            .map(|r| (0..self.kind.cols()).map(|c| if mask & bit(self.kind, r, c) != 0 { 'X' } else { '.' }).collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(kind: GameKind, id: &str) -> Pattern {
        PatternSpec::Builtin(id.into()).resolve(kind).expect("built-in")
    }

    #[test]
    fn every_builtin_resolves_with_in_grid_masks() {
        for kind in GameKind::ALL {
            let all = (1u32 << kind.cell_count()) - 1;
            for id in builtin_ids(kind) {
                let p = builtin(kind, id);
                assert!(!p.alternatives.is_empty());
                for a in &p.alternatives {
                    assert!(a.mask != 0 && a.mask & !all == 0, "{kind} {id} {}", a.label);
                }
            }
            for id in default_stages(kind) {
                builtin(kind, id);
            }
        }
    }

    #[test]
    fn counts_of_alternatives() {
        assert_eq!(builtin(K75, "any-line").alternatives.len(), 12);
        assert_eq!(builtin(K75, "postage-stamp").alternatives.len(), 4);
        assert_eq!(builtin(K80, "line").alternatives.len(), 10);
        assert_eq!(builtin(K30, "line").alternatives.len(), 3);
        assert_eq!(builtin(K90, "two-lines").alternatives.len(), 3);
        assert_eq!(builtin(K75, "inside-frame").alternatives[0].mask.count_ones(), 8);
        assert_eq!(builtin(K75, "outside-frame").alternatives[0].mask.count_ones(), 16);
    }

    #[test]
    fn custom_masks_parse_and_refuse_bad_shapes() {
        let spec = |masks: Vec<Vec<&str>>| PatternSpec::Custom {
            name: "Kite".into(),
            masks: masks.into_iter().map(|m| m.into_iter().map(String::from).collect()).collect(),
        };
        let p = spec(vec![vec!["XX...", "XX...", "..X..", "...X.", "....X"]]).resolve(K75).expect("valid");
        assert_eq!(p.alternatives[0].mask.count_ones(), 7);
        assert_eq!(p.picture(0)[0], "XX...");
        assert!(matches!(spec(vec![vec!["X...."]]).resolve(K75), Err(PatternError::BadShape { .. })));
        assert!(matches!(
            spec(vec![vec![".....", ".....", "..X..", ".....", "....."]]).resolve(K75),
            Err(PatternError::NoNumberedCell { .. })
        ));
        assert!(matches!(
            spec(vec![vec!["XXXX.....", ".........", "........."]]).resolve(K90),
            Err(PatternError::PartialRowOn90 { .. })
        ));
        assert!(spec(vec![vec!["XXXXXXXXX", ".........", "XXXXXXXXX"]]).resolve(K90).is_ok());
        assert!(matches!(spec(vec![]).resolve(K30), Err(PatternError::MaskCount { .. })));
        assert!(matches!(
            PatternSpec::Builtin("blackout".into()).resolve(K90),
            Err(PatternError::UnknownBuiltin { .. })
        ));
    }
}
