//! Commitment files written in one pass (digests computed while the records are written,
//! the header then written over its placeholder) and read back on two threads: the bytes
//! are those of the plain path, and reading them gives the same commitment.

use std::io::Cursor;
use std::path::Path;

use shuangsui::commitment::{Commitment, parse};
use shuangsui::plan::Plan;
use shuangsui::registry::{self, generate};

#[test]
fn one_pass_writing_and_split_reading_agree_with_the_plain_paths() {
    // Enough entities for the pipelined writer and for the reader's split.
    let dir = tempfile::tempdir().unwrap();
    let spec = generate::GenerateSpec {
        entities: 30_000,
        officers: 200,
        seed: 11,
    };
    registry::write::write(dir.path(), &generate::generate(&spec)).unwrap();
    let plan_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/plan.toml");
    let plan = Plan::from_toml("plan.toml", &std::fs::read_to_string(plan_path).unwrap()).unwrap();
    let loaded = registry::load(dir.path()).unwrap();

    let plain = Commitment::build(&loaded, plan.clone()).unwrap();
    let mut out = Cursor::new(b"ahead of the commitment:".to_vec());
    out.set_position(out.get_ref().len() as u64);
    let written = Commitment::unhashed(loaded, plan)
        .unwrap()
        .write_hashing(&mut out)
        .unwrap();
    let bytes = out.into_inner();
    let (ahead, file) = bytes.split_at(b"ahead of the commitment:".len());
    assert_eq!(
        ahead, b"ahead of the commitment:",
        "nothing before it overwritten"
    );
    assert_eq!(written, plain);
    assert_eq!(file, plain.to_bytes().as_slice());
    assert!(written.check().is_ok());

    // The check tells whether a file holds exactly the canonical bytes (then a bundle
    // copies them): not with anything added, changed or cut.
    assert_eq!(plain.check_file(Some(file)), Ok(true));
    let mut longer = file.to_vec();
    longer.push(b'\n');
    assert_eq!(plain.check_file(Some(&longer)), Ok(false));
    let mut changed = file.to_vec();
    let at = changed.len() / 2;
    changed[at] ^= 1;
    assert_eq!(plain.check_file(Some(&changed)), Ok(false));
    assert_eq!(plain.check_file(Some(&file[..file.len() - 1])), Ok(false));
    assert_eq!(plain.check_file(None), Ok(false));

    assert!(file.len() > 4 << 20, "large enough for the split reader");
    let read: Commitment = parse::split(file).expect("the two-thread path applies");
    assert_eq!(read, plain);
    assert_eq!(parse::from_slice::<Commitment>(file).unwrap(), plain);

    // Large files the two-thread path declines are read by serde_json: the same value from
    // a pretty-printed file, serde_json's own error for a broken one.
    let value: serde_json::Value = serde_json::from_slice(file).unwrap();
    let pretty = serde_json::to_vec_pretty(&value).unwrap();
    assert!(parse::split::<Commitment>(&pretty).is_none());
    assert_eq!(parse::from_slice::<Commitment>(&pretty).unwrap(), plain);
    let cut = &file[..file.len() - 10];
    assert!(parse::split::<Commitment>(cut).is_none());
    assert_eq!(
        parse::from_slice::<Commitment>(cut)
            .unwrap_err()
            .to_string(),
        serde_json::from_slice::<Commitment>(cut)
            .unwrap_err()
            .to_string()
    );
}
