//! Tests of the drand module against real published rounds (`tests/vectors/drand/`).

use super::*;

const MAINNET_1: &str = include_str!("../../../tests/vectors/drand/mainnet-default-1.json");
const MAINNET_72785: &str = include_str!("../../../tests/vectors/drand/mainnet-default-72785.json");
const QUICKNET_123: &str = include_str!("../../../tests/vectors/drand/quicknet-123.json");
const QUICKNET_20791007: &str = include_str!("../../../tests/vectors/drand/quicknet-20791007.json");
const ALL: [&str; 4] = [MAINNET_1, MAINNET_72785, QUICKNET_123, QUICKNET_20791007];

/// A vector: its chain (from the extra `chain_hash` field), its beacon and its randomness.
fn vector(text: &str) -> (&'static Chain, Beacon, [u8; 32]) {
    #[derive(Deserialize)]
    struct Extra {
        chain_hash: String,
        randomness: String,
    }
    let extra: Extra = serde_json::from_str(text).unwrap();
    let chain = known_chain(&extra.chain_hash).unwrap();
    let randomness = hex::decode(extra.randomness).unwrap().try_into().unwrap();
    (chain, parse_beacon_json(text).unwrap(), randomness)
}

#[test]
fn every_real_round_verifies_and_yields_its_published_randomness() {
    for text in ALL {
        let (chain, beacon, randomness) = vector(text);
        assert_eq!(
            verify(chain, &beacon),
            Ok(randomness),
            "round {}",
            beacon.round
        );
    }
}

#[test]
fn pinned_parameters_reproduce_the_chain_hashes() {
    // drand's chain.Info.Hash: SHA-256(period u32 BE || genesis i64 BE || public key ||
    // genesis seed || beacon ID unless "default"). Seeds and IDs from the chains' /info.
    let extra = [
        (
            "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce",
            "176f93498eac9ca337150b46d21dd58673ea4e3581185f869672e59fa4cb390a",
            "",
        ),
        (
            "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
            "f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e",
            "quicknet",
        ),
    ];
    assert_eq!(known_chains().len(), extra.len());
    for (hash, seed, beacon_id) in extra {
        let chain = known_chain(hash).unwrap();
        let mut h = Sha256::new();
        h.update(u32::try_from(chain.period_seconds).unwrap().to_be_bytes());
        h.update(i64::try_from(chain.genesis_time).unwrap().to_be_bytes());
        h.update(hex::decode(chain.public_key).unwrap());
        h.update(hex::decode(seed).unwrap());
        h.update(beacon_id.as_bytes());
        assert_eq!(hex::encode(h.finalize()), chain.hash, "{}", chain.name);
    }
}

#[test]
fn chain_lookup_is_case_insensitive_and_unknown_chains_are_named() {
    let upper = "52DB9BA70E0CC0F6EAF7803DD07447A1F5477735FD3F661792BA94600C84E971";
    assert_eq!(known_chain(upper).unwrap().name, "quicknet");
    assert_eq!(known_chain("8990e7a9").map(|c| c.name), None);
    let err = require_known_chain("00ff").unwrap_err();
    assert_eq!(err, DrandError::UnknownChain("00ff".into()));
    let message = err.to_string();
    assert!(
        message.contains("mainnet-default") && message.contains("quicknet"),
        "{message}"
    );
}

#[test]
fn a_one_byte_change_in_the_signature_fails() {
    for text in ALL {
        let (chain, beacon, _) = vector(text);
        for index in [0, 7, beacon.signature.len() - 1] {
            let mut altered = beacon.clone();
            altered.signature[index] ^= 0x01;
            let err = verify(chain, &altered).unwrap_err();
            assert!(
                matches!(
                    err,
                    DrandError::BadSignature { .. } | DrandError::InvalidSignature { .. }
                ),
                "round {} byte {index}: {err}",
                beacon.round
            );
        }
    }
}

#[test]
fn a_valid_signature_of_another_round_fails() {
    let (chain, mut beacon, _) = vector(MAINNET_72785);
    beacon.signature = vector(MAINNET_1).1.signature;
    let expected = DrandError::BadSignature {
        round: 72785,
        chain: "mainnet-default",
    };
    assert_eq!(verify(chain, &beacon), Err(expected));
}

#[test]
fn the_wrong_round_number_fails() {
    for text in ALL {
        let (chain, mut beacon, _) = vector(text);
        beacon.round += 1;
        let err = verify(chain, &beacon).unwrap_err();
        assert!(matches!(err, DrandError::BadSignature { .. }), "{err}");
    }
    let (chain, mut beacon, _) = vector(QUICKNET_123);
    beacon.round = 0;
    assert!(matches!(
        verify(chain, &beacon),
        Err(DrandError::Malformed(_))
    ));
}

#[test]
fn the_wrong_previous_signature_fails() {
    let (chain, mut beacon, _) = vector(MAINNET_72785);
    beacon.previous_signature.as_mut().unwrap()[5] ^= 0x80;
    assert!(matches!(
        verify(chain, &beacon),
        Err(DrandError::BadSignature { .. })
    ));
}

#[test]
fn the_wrong_chain_fails() {
    let (mainnet, mainnet_beacon, _) = vector(MAINNET_72785);
    let (quicknet, quicknet_beacon, _) = vector(QUICKNET_123);
    // Across schemes the signature is not even a point of the right group.
    let err = verify(quicknet, &mainnet_beacon).unwrap_err();
    assert!(
        matches!(
            err,
            DrandError::InvalidSignature {
                chain: "quicknet",
                ..
            }
        ),
        "{err}"
    );
    // A quicknet round has no previous signature; given one, its signature is still no G2 point.
    let err = verify(mainnet, &quicknet_beacon).unwrap_err();
    assert_eq!(err, DrandError::MissingPreviousSignature { round: 123 });
    let with_previous = Beacon {
        previous_signature: mainnet_beacon.previous_signature.clone(),
        ..quicknet_beacon.clone()
    };
    let err = verify(mainnet, &with_previous).unwrap_err();
    assert!(matches!(err, DrandError::InvalidSignature { .. }), "{err}");
    // Same scheme, another group key (a G2 key from drand-verify's RFC 9380 test vectors).
    let other = Chain {
        name: "other",
        hash: "00",
        public_key: "a1ee12542360bf75742bcade13d6134e7d5283d9eb782887c47d3d9725f05805d37b0106b7f744395bf82c175dd7434a169e998f188a657a030d588892c0cd2c01f996aaf331c4d8bc5b9734bbe261d09e7d2d39ef88b635077f262bd7bbb30f",
        ..quicknet.clone()
    };
    let expected = DrandError::BadSignature {
        round: 123,
        chain: "other",
    };
    assert_eq!(verify(&other, &quicknet_beacon), Err(expected));
}

#[test]
fn a_chained_round_without_previous_signature_is_a_clear_error() {
    let (chain, mut beacon, _) = vector(MAINNET_72785);
    beacon.previous_signature = None;
    let err = verify(chain, &beacon).unwrap_err();
    assert_eq!(err, DrandError::MissingPreviousSignature { round: 72785 });
    assert!(err.to_string().contains("previous_signature"), "{err}");
    // Unchained chains do not need (and ignore) it.
    let (chain, mut beacon, randomness) = vector(QUICKNET_123);
    beacon.previous_signature = Some(vec![1, 2, 3]);
    assert_eq!(verify(chain, &beacon), Ok(randomness));
}

#[test]
fn json_randomness_must_match_the_signature() {
    let altered = QUICKNET_123.replace("fb8f7bc2", "fb8f7bc3");
    let err = parse_beacon_json(&altered).unwrap_err();
    assert!(
        matches!(err, DrandError::RandomnessMismatch { round: 123, .. }),
        "{err}"
    );
    // Without randomness the signature alone is enough; other fields are ignored.
    let bare = r#"{"round": 123, "signature": "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92", "previous_signature": ""}"#;
    assert_eq!(parse_beacon_json(bare).unwrap(), vector(QUICKNET_123).1);
    for bad in [
        "",
        "{}",
        r#"{"round": -1, "signature": "00"}"#,
        r#"{"round": 1, "signature": "zz"}"#,
    ] {
        assert!(
            matches!(parse_beacon_json(bad), Err(DrandError::Malformed(_))),
            "{bad}"
        );
    }
}

#[test]
fn command_line_pairs_round_trip_to_the_same_beacon() {
    let (_, beacon, _) = vector(MAINNET_72785);
    let text = format!(
        "round={}, signature={},previous_signature={}",
        beacon.round,
        hex::encode(&beacon.signature).to_uppercase(),
        hex::encode(beacon.previous_signature.as_ref().unwrap())
    );
    assert_eq!(parse_beacon_pairs(&text), Ok(beacon));
    let (_, beacon, _) = vector(QUICKNET_123);
    let text = format!("signature={},round=123", hex::encode(&beacon.signature));
    assert_eq!(parse_beacon_pairs(&text), Ok(beacon));
    for bad in [
        "",
        "round=1",
        "signature=00",
        "round=x,signature=00",
        "round=1,signature=0",
        "round=1,round=2,signature=00",
        "round=1,signature=00,randomness=00",
        "round=1,signature=00,previous_signature=",
    ] {
        assert!(
            matches!(parse_beacon_pairs(bad), Err(DrandError::Malformed(_))),
            "{bad}"
        );
    }
}

#[test]
fn round_times_follow_genesis_and_period() {
    let mainnet = known_chain("8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce");
    let mainnet = mainnet.unwrap();
    assert_eq!(round_time(mainnet, 1), 1_595_431_050);
    assert_eq!(round_time(mainnet, 72785), 1_595_431_050 + 72784 * 30);
    assert_eq!(round_time(mainnet, 0), mainnet.genesis_time);
    assert_eq!(round_time(mainnet, u64::MAX), u64::MAX);
    let quicknet = vector(QUICKNET_123).0;
    assert_eq!(round_time(quicknet, 123), 1_692_803_367 + 122 * 3);
    for chain in known_chains() {
        assert_eq!(round_at(chain, chain.genesis_time - 1), 0);
        for round in [1, 2, 123, 20_791_007] {
            let t = round_time(chain, round);
            assert_eq!(round_at(chain, t), round);
            assert_eq!(round_at(chain, t + chain.period_seconds - 1), round);
        }
    }
}

#[test]
fn scheme_ids_are_drands() {
    assert_eq!(Scheme::ChainedG2.id(), "pedersen-bls-chained");
    assert_eq!(Scheme::UnchainedG1Rfc9380.id(), "bls-unchained-g1-rfc9380");
}
