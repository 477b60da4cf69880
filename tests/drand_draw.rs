//! A whole draw whose entropy is a real, published drand round: the bundle verifies, and a
//! changed signature, round or chain does not.

mod common;

use shuangsui::bundle::{self, Bundle};
use shuangsui::commitment::Commitment;
use shuangsui::entropy::{self, Entropy, drand};
use shuangsui::plan::{EntropyDeclaration, Plan};
use shuangsui::registry;

const QUICKNET: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";

fn commitment(round: u64) -> Commitment {
    let dir = common::fixture("mini");
    let text = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    let mut plan = Plan::from_toml("plan.toml", &text).unwrap();
    plan.entropy = EntropyDeclaration::Drand {
        chain_hash: QUICKNET.into(),
        round,
    };
    Commitment::build(&registry::load(&dir).unwrap(), plan.normalized().unwrap()).unwrap()
}

fn beacon() -> drand::Beacon {
    let json =
        std::fs::read_to_string(common::fixture("../vectors/drand/quicknet-123.json")).unwrap();
    drand::parse_beacon_json(&json).unwrap()
}

#[test]
fn a_real_quicknet_round_draws_and_verifies() {
    let chain = drand::known_chain(QUICKNET).unwrap();
    let e = entropy::from_beacon(&beacon(), chain);
    let b = Bundle::make(commitment(123), e).unwrap();
    let summary = bundle::verify(&b).unwrap();
    assert!(summary.targets > 0);
}

#[test]
fn a_changed_signature_or_round_is_refused() {
    let chain = drand::known_chain(QUICKNET).unwrap();
    let good = entropy::from_beacon(&beacon(), chain);
    // Another round than declared.
    assert!(Bundle::make(commitment(124), good.clone()).is_err());
    // One signature byte changed.
    let Entropy::Drand {
        round, signature, ..
    } = good.clone()
    else {
        unreachable!()
    };
    let mut bytes = hex::decode(&signature).unwrap();
    bytes[10] ^= 1;
    let bad = Entropy::Drand {
        previous_signature: None,
        round,
        signature: hex::encode(bytes),
    };
    assert!(Bundle::make(commitment(123), bad.clone()).is_err());
    // A bundle edited afterwards to carry the changed signature fails verification.
    let mut b = Bundle::make(commitment(123), good).unwrap();
    b.entropy = bad;
    assert!(bundle::verify(&b).unwrap_err().path.starts_with("/entropy"));
}
