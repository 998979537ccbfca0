//! The HTTP API's request bodies: the first byte picks a body type (of 15), the rest is its JSON, decoded
//! by `bingo_api::bodies::decode` exactly as the routes decode it (whole numbers written as
//! floats taken as integers, unknown fields refused). A create-game body that decodes is then
//! checked by `GameConfig::check`, as the service checks it before the engine sees it, and a
//! session's plan by `SessionPlan::check`.
#![no_main]

use bingo_api::bodies::{
    self, Announcement, AutoDraw, Books, Call, Checking, Claim, Daub, GameConfig, Join, Login, Paper, PaperClaim, Recover,
    SessionPlan, SnowballPot,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, json)) = data.split_first() else {
        return;
    };
    // Each refusal must be the API's bad-request error, whatever the bytes.
    let refused = match which % 15 {
        0 => bodies::decode::<GameConfig>(json).map(|config| drop(config.check())).err(),
        1 => bodies::decode::<Join>(json).err(),
        2 => bodies::decode::<Recover>(json).err(),
        3 => bodies::decode::<Claim>(json).err(),
        4 => bodies::decode::<Daub>(json).err(),
        5 => bodies::decode::<Login>(json).err(),
        6 => bodies::decode::<Call>(json).err(),
        7 => bodies::decode::<AutoDraw>(json).err(),
        8 => bodies::decode::<PaperClaim>(json).err(),
        9 => bodies::decode::<Paper>(json).err(),
        10 => bodies::decode::<Checking>(json).err(),
        11 => bodies::decode::<Announcement>(json).err(),
        12 => bodies::decode::<Books>(json).err(),
        13 => bodies::decode::<SnowballPot>(json).err(),
        _ => bodies::decode::<SessionPlan>(json).map(|plan| drop(plan.check())).err(),
    };
    if let Some(e) = refused {
        assert_eq!((e.status.as_u16(), e.code), (400, "bad_request"));
    }
});
