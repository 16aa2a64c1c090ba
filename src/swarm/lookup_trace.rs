//! What a traced lookup found, round by round: whom it asked, how far each was from the target,
//! who answered, and the closest peers at the end. Plain data, shown by the Lookup tab and printed
//! by `netlens swarm lookup`.

use serde::Serialize;

/// One peer asked in a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Asked {
    pub peer: String,
    /// ⌊log2⌋ of its XOR distance to the target (its bucket, seen from the target); smaller is
    /// closer.
    pub distance: u32,
    /// How many peers it named; None when it did not answer.
    pub answered: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Round {
    pub asked: Vec<Asked>,
    /// The closest distance known after this round.
    pub best: u32,
}

/// A whole traced lookup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LookupTrace {
    pub target: String,
    pub rounds: Vec<Round>,
    /// The k closest peers found, closest first.
    pub closest: Vec<String>,
}
