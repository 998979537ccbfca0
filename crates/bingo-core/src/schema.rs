//! OpenAPI schemas (utoipa) for the types whose JSON form is written by hand here rather than
//! derived: the seed and commitment (hex), the calls (a list of numbers) and a card (docs/CARDS.md).
//! Only with the `openapi` feature; the other types derive theirs beside their serde attributes.

use crate::card::Card;
use crate::{Calls, Commitment, GameKind, Seed};
use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr, SchemaFormat};
use utoipa::{PartialSchema, ToSchema};

type Schemas = Vec<(String, RefOr<Schema>)>;

fn hex32(description: &str) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[0-9a-f]{64}$")).description(Some(description)).into()
}

impl PartialSchema for Seed {
    fn schema() -> RefOr<Schema> {
        hex32("The game's 256-bit seed, 64 lower-case hex digits; revealed when the game finishes.")
    }
}

impl ToSchema for Seed {}

impl PartialSchema for Commitment {
    fn schema() -> RefOr<Schema> {
        hex32("SHA-256 of the seed, 64 lower-case hex digits; published before the first ball.")
    }
}

impl ToSchema for Commitment {}

fn integer(minimum: u64, maximum: u64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(minimum as usize))
        .maximum(Some(maximum as usize))
}

impl PartialSchema for Calls {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(integer(1, 90))
            .description(Some("The balls called, in order (the first is call 1)."))
            .into()
    }
}

impl ToSchema for Calls {}

impl PartialSchema for Card {
    fn schema() -> RefOr<Schema> {
        let cell = ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
            .minimum(Some(1usize))
            .maximum(Some(90usize));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "A card as in docs/CARDS.md: its grid's rows, with null for a cell without a number \
                 (the FREE centre of 75-ball, the blanks of a 90-ball ticket).",
            ))
            .property("kind", utoipa::openapi::Ref::from_schema_name(GameKind::name()))
            .required("kind")
            .property("serial", integer(1, i64::MAX as u64).description(Some("The card's number in its game.")))
            .required("serial")
            .property("strip", integer(1, i64::MAX as u64).description(Some("90-ball only: the strip of six.")))
            .property("position", integer(1, 6).description(Some("90-ball only: 1 to 6 in its strip.")))
            .property(
                "grid",
                ArrayBuilder::new().items(ArrayBuilder::new().items(cell)).description(Some("Rows of cells.")),
            )
            .required("grid")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .examples([serde_json::json!({"kind": "75", "serial": 7, "grid": [
                [3, 17, 33, 52, 61], [9, 20, 41, 56, 70], [1, 26, null, 48, 66],
                [14, 18, 37, 50, 72], [6, 29, 45, 59, 63]]})])
            .into()
    }
}

impl ToSchema for Card {
    fn schemas(schemas: &mut Schemas) {
        schemas.push((GameKind::name().into(), GameKind::schema()));
        GameKind::schemas(schemas);
    }
}
