//! Spec test vectors under `tests/vectors/`: seed derivation, stream words and `below(n)`, and
//! a small complete draw. The files are what an independent implementation checks against;
//! these tests make sure the Rust code still produces exactly them.
//! Regenerate after an intended spec change with `UPDATE_VECTORS=1 cargo test --test vectors`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use shuangsui::bundle::Bundle;
use shuangsui::commitment::Commitment;
use shuangsui::draw::seed::{derive_seed, stream_key};
use shuangsui::draw::stream::Stream;
use shuangsui::entropy::{Entropy, ceremony};
use shuangsui::plan::{EntropyDeclaration, Plan};
use shuangsui::registry;

fn vector_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name)
}

/// Compares `actual` with the stored vector, or stores it when UPDATE_VECTORS is set.
fn check_vector(name: &str, actual: &[u8]) {
    let path = vector_path(name);
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let stored = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        stored == actual,
        "{name} differs from what the code produces now"
    );
}

fn pretty(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_vec_pretty(v).unwrap();
    s.push(b'\n');
    s
}

fn mini_bundle() -> Bundle {
    fixture_bundle("mini")
}

/// The draw of a fixture folder with its `plan.toml` and the vectors' ceremony digits.
fn fixture_bundle(name: &str) -> Bundle {
    fixture_bundle_under(name, None)
}

/// The (`format`, `spec_version`) of `VERSIONS` whose spec version is `spec_version`.
fn version(spec_version: &str) -> (&'static str, &'static str) {
    *shuangsui::commitment::VERSIONS
        .iter()
        .find(|(_, v)| *v == spec_version)
        .unwrap()
}

/// As `fixture_bundle`, the commitment put under an older version first (as a batch
/// committed before an upgrade is rebuilt).
fn fixture_bundle_under(name: &str, under: Option<&str>) -> Bundle {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let loaded = registry::load(&dir).unwrap();
    let text = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    let plan = Plan::from_toml("plan.toml", &text).unwrap();
    let EntropyDeclaration::Ceremony { witnesses, digits } = plan.entropy.clone() else {
        panic!("the mini plan uses a ceremony")
    };
    let mut commitment = Commitment::build(&loaded, plan).unwrap();
    if let Some(spec_version) = under {
        assert!(commitment.put_under_version(version(spec_version)));
    }
    let entropy = ceremony::parse("王芳=3918207746,李强=0562283019", &witnesses, digits).unwrap();
    Bundle::make(commitment, entropy).unwrap()
}

#[test]
fn mini_bundle_matches_the_vector() {
    check_vector("mini-bundle.json", &mini_bundle().to_bytes());
}

/// The version 5 rules at work (`tests/fixtures/lists`): strata by list membership, checked
/// here by hand beside the vector.
#[test]
fn lists_bundle_matches_the_vector() {
    let bundle = fixture_bundle("lists");
    check_vector("lists-bundle.json", &bundle.to_bytes());
    let c = &bundle.commitment;
    assert_eq!(c.header.spec_version, "5");
    let lists = c.snapshots.lists.as_ref().unwrap();
    assert_eq!(
        lists.len(),
        11,
        "every row of lists.csv, reasons and dates left out"
    );
    assert_eq!(c.header.sources[5].file, "lists.csv");
    assert_eq!(c.header.sources[5].rows, 11);
    let parts: Vec<(&str, u64, u64, u64)> = bundle
        .draw
        .strata
        .iter()
        .map(|s| (s.name.as_str(), s.population, s.excluded, s.size))
        .collect();
    // 活动异常名录: three organisations in the population (the fourth is 注销), one of them
    // inspected this year: full coverage wins, all three are drawn.
    assert_eq!(parts[0], ("活动异常名录（全覆盖）", 3, 0, 3));
    let drawn: Vec<&str> = bundle.draw.strata[0]
        .targets
        .iter()
        .map(|t| t.uscc.as_str())
        .collect();
    assert!(
        drawn.contains(&"533101060000107409"),
        "the one inspected in 2026"
    );
    // 投诉举报 and grade C or D: four (the D organisation also on 活动异常名录 is in the first
    // stratum, the B one with a complaint is not selected); half of four.
    assert_eq!(parts[1], ("投诉举报（中高风险）", 4, 0, 2));
    assert_eq!(parts[2].0, "其余");
    shuangsui::bundle::verify::verify_bytes(&bundle, &bundle.to_bytes()).unwrap();
    // §3.2: a list no record names is refused when the commitment is made (a typo would
    // select nothing, silently).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lists");
    let text = std::fs::read_to_string(dir.join("plan.toml"))
        .unwrap()
        .replace("lists = [\"投诉举报\"]", "lists = [\"投诉举报\", \"投诉\"]");
    let plan = Plan::from_toml("plan.toml", &text).unwrap();
    let e = Commitment::build(&registry::load(&dir).unwrap(), plan).unwrap_err();
    assert!(
        e.to_string()
            .contains("strata[1].lists: no entity is on the list '投诉'"),
        "{e}"
    );
    // Under version 4 the plan cannot be written (its strata name lists).
    let mut v4 = c.clone();
    assert!(!v4.put_under_version(version("4")));
    assert_eq!(&v4, c, "nothing changed");
}

/// The same draw as `mini-bundle.json` made under version 4 (`mini-bundle-v4.json`) still
/// verifies, and a batch committed under version 4 is rebuilt to it.
#[test]
fn a_version_4_bundle_still_verifies() {
    let bytes = std::fs::read(vector_path("mini-bundle-v4.json")).unwrap();
    let bundle: Bundle = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(bundle.commitment.header.spec_version, "4");
    shuangsui::bundle::verify::verify_bytes(&bundle, &bytes).unwrap();
    let now = mini_bundle();
    assert_eq!(now.commitment.header.spec_version, "5");
    assert_ne!(now.commitment.hash, bundle.commitment.hash);
    assert!(fixture_bundle_under("mini", Some("4")).to_bytes() == bytes);
}

/// The version 4 rules at work (`tests/fixtures/strata`, a vector made under version 4):
/// what each part drew is what the rules say, checked here by hand beside the vector.
#[test]
fn strata_bundle_matches_the_vector() {
    let bundle = fixture_bundle_under("strata", Some("4"));
    check_vector("strata-bundle.json", &bundle.to_bytes());
    assert_eq!(bundle.commitment.header.spec_version, "4");
    let parts: Vec<(&str, u64, u64, u64, usize)> = bundle
        .draw
        .strata
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.population,
                s.excluded,
                s.size,
                s.targets.len(),
            )
        })
        .collect();
    let names: Vec<&str> = parts.iter().map(|p| p.0).collect();
    assert_eq!(
        names,
        [
            "D级全覆盖",
            "市级基金会全覆盖",
            "市级登记（地市级）",
            "市级登记（省级）",
            "区级登记（徐汇）",
            "区级登记（静安）",
            "区级登记（黄浦）",
            "全体不低于20%",
        ],
        "parts in order: strata, each split stratum's parts by value (UTF-8 bytes), the floor"
    );
    // Full coverage that ignores the exclusions draws every entity it selects.
    let (_, population, excluded, size, drawn) = parts[0];
    assert_eq!((excluded, size, drawn as u64), (0, population, population));
    // The floor tops the strata up to 20% of the whole population.
    let whole = parts[7].1;
    let by_strata: usize = parts[..7].iter().map(|p| p.4).sum();
    assert_eq!(
        parts[7].3,
        (whole * 20).div_ceil(100).saturating_sub(by_strata as u64)
    );
    assert!(parts[7].4 > 0, "the fixture makes the floor draw");
    shuangsui::bundle::verify::verify_bytes(&bundle, &bundle.to_bytes()).unwrap();
}

/// The same draw as `mini-bundle.json` made under version 3 (`mini-bundle-v3.json`, before
/// version 4's strata rules) still verifies, under version 3: a version 3 plan draws as a
/// version 4 plan with the new fields at their defaults, so the targets are the same.
#[test]
fn a_version_3_bundle_still_verifies() {
    let bytes = std::fs::read(vector_path("mini-bundle-v3.json")).unwrap();
    let bundle: Bundle = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(bundle.commitment.header.spec_version, "3");
    shuangsui::bundle::verify::verify_bytes(&bundle, &bytes).unwrap();
    let now = mini_bundle();
    assert_eq!(now.commitment.header.spec_version, "5");
    assert_ne!(now.commitment.hash, bundle.commitment.hash);
    let sizes = |b: &Bundle| -> Vec<(u64, u64, u64)> {
        b.draw
            .strata
            .iter()
            .map(|s| (s.population, s.excluded, s.size))
            .collect()
    };
    assert_eq!(sizes(&now), sizes(&bundle));
    // A batch committed under version 3 is rebuilt from its stored plan and snapshots, which
    // now give version 5, by putting the plan back in version 3's shape.
    let mut rebuilt = now.commitment.clone();
    assert!(
        rebuilt.put_under_version(version("3")),
        "a plan without version 4 rules has a version 3 shape"
    );
    assert_eq!(rebuilt.hash, bundle.commitment.hash);
    assert_eq!(rebuilt.header, bundle.commitment.header);
    // A version 4 field in a version 3 plan, or a version 4 plan without one, is refused.
    let mut v3_with_floor = bundle.commitment.clone();
    v3_with_floor.header.plan.floor = Some(None);
    let e = v3_with_floor.check_file(None).unwrap_err().to_string();
    assert!(e.contains("has a field of version 4"), "{e}");
    let mut v4_without = now.commitment.clone();
    assert!(v4_without.put_under_version(("shuangsui-commitment/4", "4")));
    v4_without.header.plan.strata[0].exclusions = None;
    let e = v4_without.check_file(None).unwrap_err().to_string();
    assert!(e.contains("lacks a field of a version 4 plan"), "{e}");
}

/// `team.department_matters` is version 5's: the mini draw under version 4
/// (`mini-bundle-v4.json`) has none and is what the stored plan gives put back in version
/// 4's shape, a version 4 plan drawing as a version 5 plan with it empty (with another seed,
/// which names the version); the field under version 4, or a version 5 plan without it, is
/// refused by name.
#[test]
fn department_matters_are_a_version_5_field() {
    let bytes = std::fs::read(vector_path("mini-bundle-v4.json")).unwrap();
    let bundle: Bundle = serde_json::from_slice(&bytes).unwrap();
    let now = mini_bundle();
    assert_eq!(
        now.commitment.header.plan.team.department_matters,
        Some(vec![])
    );
    let mut rebuilt = now.commitment.clone();
    assert!(rebuilt.put_under_version(version("4")));
    assert_eq!(rebuilt.header, bundle.commitment.header);
    // The seed names the version (§4.2), so the targets differ; the parts do not.
    let parts = |b: &Bundle| -> Vec<(String, u64, u64, u64)> {
        let s = b.draw.strata.iter();
        s.map(|s| (s.name.clone(), s.population, s.excluded, s.size))
            .collect()
    };
    assert_eq!(parts(&now), parts(&bundle));
    let mut v4_with = bundle.commitment.clone();
    v4_with.header.plan.team.department_matters = Some(vec![]);
    let e = v4_with.check_file(None).unwrap_err().to_string();
    assert!(e.contains("department_matters"), "{e}");
    let mut v5_without = now.commitment.clone();
    v5_without.header.plan.team.department_matters = None;
    let e = v5_without.check_file(None).unwrap_err().to_string();
    assert!(e.contains("department_matters"), "{e}");
}

/// A joint batch (`tests/fixtures/joint`, version 5): the fire department names its own
/// matter, so its slot takes officers holding that matter's sector (消防安全), never the
/// fire officer who holds only the elderly-care sector, and the civil-affairs slot takes
/// officers of the target's sector.
#[test]
fn joint_bundle_matches_the_vector() {
    let bundle = fixture_bundle("joint");
    check_vector("joint-bundle.json", &bundle.to_bytes());
    assert_eq!(bundle.commitment.header.spec_version, "5");
    let officers = &bundle.commitment.snapshots.officers;
    let officer = |card: &str| officers.iter().find(|o| o.card_no == card).unwrap();
    let mut fire = std::collections::BTreeSet::new();
    let mut staffed = 0;
    let mut unstaffed = 0;
    for t in bundle.draw.targets() {
        if let Some(u) = &t.unstaffed {
            // Both fire officers who could go are recused: the fire slot counts them as
            // qualified for its own sector (消防安全), none left after the conflicts.
            let recused = [
                "52310106000011850A",
                "523101010000133302",
                "523101040000137001",
                "52310101000016660U",
            ];
            assert!(recused.contains(&t.uscc.as_str()), "{}", t.uscc);
            assert_eq!(
                (
                    u.slot,
                    u.department.as_deref(),
                    u.qualified,
                    u.after_conflicts
                ),
                (1, Some("市消防救援总队"), 2, 0)
            );
            unstaffed += 1;
            continue;
        }
        let [civil, firefighter] = t.team.as_slice() else {
            panic!("a team of two")
        };
        assert_eq!(officer(civil).department, "市民政执法总队");
        assert!(officer(civil).sectors.iter().any(|s| s == "养老服务"));
        assert_eq!(officer(firefighter).department, "市消防救援总队");
        assert_eq!(officer(firefighter).sectors, ["消防安全"]);
        fire.insert(firefighter.as_str());
        staffed += 1;
    }
    assert!(staffed >= 4, "the fixture draws several targets");
    assert!(unstaffed >= 1, "a recused home is drawn");
    assert!(!fire.contains("F-003"), "card expired before the window");
    assert!(!fire.contains("F-005"), "card expires inside the window");
    assert!(!fire.contains("F-004"), "holds no 消防安全");
    shuangsui::bundle::verify::verify_bytes(&bundle, &bundle.to_bytes()).unwrap();
    // The same plan cannot be written under version 4, which has no department matters.
    let mut v4 = bundle.commitment.clone();
    assert!(!v4.put_under_version(version("4")));
}

/// A bundle made under spec version 1 (`mini-bundle-v1.json`, the same draw before version
/// 2 defined a source's hash as its table's content hash) still verifies, under version 1.
#[test]
fn a_version_1_bundle_still_verifies() {
    let bytes = std::fs::read(vector_path("mini-bundle-v1.json")).unwrap();
    let bundle: Bundle = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(bundle.commitment.header.spec_version, "1");
    assert_eq!(bundle.commitment.header.format, "shuangsui-commitment/1");
    shuangsui::bundle::verify::verify_bytes(&bundle, &bytes).unwrap();
    // Its sources are the files' bytes, not the tables' content hashes: version 2 would
    // give another commitment hash for the same draw.
    let now = mini_bundle();
    assert_eq!(now.commitment.header.spec_version, "5");
    assert_ne!(
        now.commitment.header.sources,
        bundle.commitment.header.sources
    );
    assert_eq!(without_lists(&now), bundle.commitment.snapshots);
}

/// The snapshots of a version 5 draw without the lists snapshot version 5 added (the mini
/// fixture has no lists.csv: an empty one).
fn without_lists(b: &Bundle) -> shuangsui::commitment::Snapshots {
    assert_eq!(b.commitment.snapshots.lists, Some(Vec::new()));
    let mut s = b.commitment.snapshots.clone();
    s.lists = None;
    s
}

/// A bundle made under spec version 2 (`mini-bundle-v2.json`: the same draw before version 3
/// added the plan's `inspection_end`) still verifies; under version 3 the window's end is
/// required, and versions 1 and 2 refuse it.
#[test]
fn a_version_2_bundle_still_verifies_and_the_window_end_is_version_3s() {
    let bytes = std::fs::read(vector_path("mini-bundle-v2.json")).unwrap();
    let bundle: Bundle = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(bundle.commitment.header.spec_version, "2");
    assert_eq!(bundle.commitment.header.plan.inspection_end, None);
    shuangsui::bundle::verify::verify_bytes(&bundle, &bytes).unwrap();
    let now = mini_bundle();
    assert_eq!(
        now.commitment.header.plan.inspection_end,
        chrono::NaiveDate::from_ymd_opt(2027, 1, 29)
    );
    assert_eq!(without_lists(&now), bundle.commitment.snapshots);
    // The field under the wrong version is refused by name.
    let mut v2_with_end = bundle.commitment.clone();
    v2_with_end.header.plan.inspection_end = now.commitment.header.plan.inspection_end;
    let e = v2_with_end.check_file(None).unwrap_err();
    assert!(e.to_string().contains("inspection_end"), "{e}");
    let mut v3_without_end = now.commitment.clone();
    v3_without_end.header.plan.inspection_end = None;
    let e = v3_without_end.check_file(None).unwrap_err();
    assert!(e.to_string().contains("inspection_end"), "{e}");
}

#[test]
fn seed_vectors() {
    let mut cases = Vec::new();
    for (i, (hash_text, contributions)) in [
        (
            "commitment-a",
            vec![("王芳", "3918207746"), ("李强", "0562283019")],
        ),
        (
            "commitment-b",
            vec![("Alice", "0"), ("Bob", "9"), ("陈静", "5")],
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let hash: [u8; 32] = Sha256::digest(hash_text.as_bytes()).into();
        let entropy = Entropy::Ceremony {
            contributions: contributions
                .iter()
                .map(|(w, d)| ceremony::Contribution {
                    digits: d.to_string(),
                    witness: w.to_string(),
                })
                .collect(),
        };
        let declaration = EntropyDeclaration::Ceremony {
            witnesses: contributions.iter().map(|(w, _)| w.to_string()).collect(),
            digits: contributions[0].1.len() as u32,
        };
        let encoded = entropy.encode(&declaration).unwrap();
        let seed = derive_seed("1", &hash, &encoded);
        cases.push(json!({
            "case": i,
            "spec_version": "1",
            "commitment_hash": hex::encode(hash),
            "witnesses": contributions.iter().map(|(w, d)| json!({"witness": w, "digits": d})).collect::<Vec<_>>(),
            "entropy_encoding": hex::encode(&encoded),
            "seed": hex::encode(seed),
            "stream_keys": {
                "stratum/0": hex::encode(stream_key(&seed, "stratum/0")),
                "stratum/1": hex::encode(stream_key(&seed, "stratum/1")),
                "teams": hex::encode(stream_key(&seed, "teams")),
            }
        }));
    }
    check_vector("seed.json", &pretty(&json!({ "cases": cases })));
}

#[test]
fn stream_vectors() {
    let mut cases = Vec::new();
    for label in ["zero", "vector-key-1"] {
        let key: [u8; 32] = if label == "zero" {
            [0; 32]
        } else {
            Sha256::digest(label.as_bytes()).into()
        };
        let mut s = Stream::new(&key);
        let words: Vec<String> = (0..10).map(|_| s.next_word().to_string()).collect();
        let mut below = Vec::new();
        for n in [1u64, 2, 3, 10, 1000, (1 << 32) + 1, (1 << 63) + 1, u64::MAX] {
            let mut s = Stream::new(&key);
            let values: Vec<String> = (0..12).map(|_| s.below(n).to_string()).collect();
            below.push(json!({"n": n.to_string(), "values": values, "words_used": s.words_used()}));
        }
        cases.push(json!({"key": hex::encode(key), "first_words": words, "below": below}));
    }
    check_vector("stream.json", &pretty(&json!({ "cases": cases })));
}

#[test]
fn bundles_are_written_in_rfc8785_canonical_form() {
    let bytes = mini_bundle().to_bytes();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let canonical = serde_json_canonicalizer::pipe(&text).unwrap();
    assert!(
        canonical.as_bytes() == bytes.as_slice(),
        "the bundle bytes are not RFC 8785 canonical"
    );
}

#[test]
fn assembled_bytes_equal_plain_serialisation() {
    // The files are assembled from pre-encoded parts; they must equal what serde_json
    // writes for the whole structures (themselves checked canonical above).
    let b = mini_bundle();
    assert!(
        b.to_bytes() == serde_json::to_vec(&b).unwrap(),
        "bundle assembly differs"
    );
    let c = &b.commitment;
    assert!(
        c.to_bytes() == serde_json::to_vec(c).unwrap(),
        "commitment assembly differs"
    );
    // And with enough records to take the two-thread path.
    let big = common_big_commitment();
    assert!(big.to_bytes() == serde_json::to_vec(&big).unwrap());
}

fn common_big_commitment() -> Commitment {
    let spec = registry::generate::GenerateSpec {
        entities: 25_000,
        officers: 300,
        seed: 5,
    };
    let loaded = registry::Loaded::in_memory(registry::generate::generate(&spec));
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("registries/shanghai/plans/elderly-care.toml");
    let plan = Plan::from_toml("p", &std::fs::read_to_string(dir).unwrap()).unwrap();
    Commitment::build(&loaded, plan).unwrap()
}

/// A plan without its window's end is one of version 2, which cannot hold a version 4 rule:
/// building it is refused with the reason, not made into a commitment `verify` refuses.
#[test]
fn a_version_2_plan_with_a_version_4_rule_is_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let loaded = registry::load(&dir).unwrap();
    let text = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    let mut plan = Plan::from_toml("plan.toml", &text).unwrap();
    plan.inspection_end = None;
    let version_2 = Commitment::build(&loaded, plan.clone()).unwrap();
    assert_eq!(version_2.header.spec_version, "2");
    plan.strata[0].exclusions = Some(shuangsui::plan::Exclusions::Ignore);
    let e = Commitment::build(&loaded, plan).unwrap_err();
    assert!(format!("{e:?}").contains("cannot use the rules"), "{e:?}");
}

/// The rules version 5 adds beyond the vectors' own, each refused by name: the lists source
/// against the lists snapshot, one form for department matters, named population sectors in
/// a plan with them, an officer of the department holding its sector, and list records of
/// entities of the snapshot.
#[test]
fn version_5_rules_are_refused_by_name() {
    let bundle = fixture_bundle("joint");
    let c = &bundle.commitment;
    let refused = |c: &Commitment| c.check_file(None).unwrap_err().to_string();
    // The lists source: one row per record; an empty table's hash.
    let mut rows = c.clone();
    rows.header.sources[5].rows = 1;
    assert!(
        refused(&rows).contains("sources/5/rows"),
        "{}",
        refused(&rows)
    );
    let mut hash = c.clone();
    hash.header.sources[5].sha256 = "0".repeat(64);
    assert!(refused(&hash).contains("an empty lists table's content hash is 4d5c90dd"));
    // One form: entries in the order of team.departments.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/joint");
    let loaded = registry::load(&dir).unwrap();
    let text = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    let civil =
        "[[team.department_matters]]\ndepartment = \"市民政执法总队\"\nmatters = [\"T-YL-01\"]\n";
    let reordered = text.replace("[constraints]", &format!("{civil}\n[constraints]"));
    let e = Plan::from_toml("plan.toml", &reordered)
        .unwrap_err()
        .to_string();
    assert!(e.contains("in the order of team.departments"), "{e}");
    let ordered = text.replace(
        "[[team.department_matters]]",
        &format!("{civil}\n[[team.department_matters]]"),
    );
    Plan::from_toml("plan.toml", &ordered).unwrap();
    // A plan with an entry names its population's sectors.
    let unnamed = text.replace("sectors = [\"养老服务\"]\n", "");
    let e = Plan::from_toml("plan.toml", &unnamed)
        .unwrap_err()
        .to_string();
    assert!(e.contains("population.sectors is empty"), "{e}");
    // Some officer of the department holds the entry's sector.
    let plan = Plan::from_toml("plan.toml", &text).unwrap();
    let mut no_holder = loaded.clone();
    for o in &mut no_holder.directory.officers {
        if o.department == "市消防救援总队" {
            o.sectors = vec!["养老服务".into()];
        }
    }
    let e = Commitment::build(&no_holder, plan.clone())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no officer of '市消防救援总队' holds the sector '消防安全'"),
        "{e}"
    );
    // A list record of no entity.
    let mut stray = c.clone();
    let lists = stray.snapshots.lists.as_mut().unwrap();
    lists.push(shuangsui::commitment::ListRecord {
        list: "投诉举报".into(),
        uscc: "91310000MA1FL0000X".into(),
    });
    stray.header.sources[5].rows = 1;
    assert!(
        refused(&stray).contains("is no entity of the directory"),
        "{}",
        refused(&stray)
    );
}
