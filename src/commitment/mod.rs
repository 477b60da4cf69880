//! The commitment: the plan, the directory snapshots it draws from, and the entropy
//! declaration, fixed and hashed before the randomness exists (DRAW-SPEC §2). Publishing
//! `hash` before the ceremony is what makes a re-roll detectable.

mod check;
mod context;
pub mod encode;
pub mod parse;
pub mod record_json;
mod record_read;
pub mod records;

use std::cmp::Ordering;
use std::io::{Seek, SeekFrom, Write};

use serde::{Deserialize, Serialize};

use crate::canonical;
use crate::discrepancy::Discrepancy;
use crate::domain::Directory;
use crate::plan::Plan;
use crate::registry::Loaded;
pub use records::{
    EntityRecord, InspectionRecord, ListRecord, MatterRecord, OfficerRecord, RecusalRecord,
    SourceEntity,
};

/// The header `format` new commitments are made under.
pub const FORMAT: &str = "shuangsui-commitment/5";
/// The version of docs/DRAW-SPEC.md new commitments are made under; part of the seed.
pub const SPEC_VERSION: &str = crate::plan::version::NEWEST;
/// Every (`format`, `spec_version`) this code verifies, newest first. The versions differ
/// in the plan's shape (`plan::version`) and in what is snapshotted: version 5 added the
/// `lists` snapshot, its source `lists.csv` and the strata's `lists` selector, and the
/// matters of each department of a joint batch, whose sector its slot's officers must hold
/// (a plan of an earlier version has none, and every slot asks for the target's sector);
/// version 4 added the strata's selectors,
/// splits and exclusions choice, the floor and the calendar-year exclusion (a plan of an
/// earlier version draws as a version 4 plan with those at their defaults); version 3 the
/// inspection window's last day (`inspection_end`, through which officer cards must be
/// valid; version 2 has the one `inspection_date`). Version 1 differs from 2 only in what a
/// source's `sha256` is over (the file's bytes, not the table's canonical CSV), which no
/// verifier can recompute from a bundle: a version 1 commitment is checked as it always was.
pub const VERSIONS: [(&str, &str); 5] = [
    (FORMAT, SPEC_VERSION),
    ("shuangsui-commitment/4", "4"),
    ("shuangsui-commitment/3", "3"),
    ("shuangsui-commitment/2", "2"),
    ("shuangsui-commitment/1", "1"),
];

/// Whether a commitment of `spec_version` has the `lists` snapshot and source (version 5 on).
pub fn has_lists(spec_version: &str) -> bool {
    crate::plan::version::has_version_5_shape(spec_version)
}

/// Version 2, under which a plan without its window's end is rebuilt.
const VERSION_2: (&str, &str) = VERSIONS[VERSIONS.len() - 2];

/// Count and SHA-256 of one snapshot's records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotDigest {
    pub count: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotDigests {
    pub entities: SnapshotDigest,
    pub history: SnapshotDigest,
    /// Version 5 on; absent in versions 1 to 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lists: Option<SnapshotDigest>,
    pub officers: SnapshotDigest,
    pub recusals: SnapshotDigest,
}

/// A directory file the snapshots were read from (informative: binds the commitment to the
/// exact files, which an auditor holding them can hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    pub file: String,
    pub rows: u64,
    pub sha256: String,
}

/// What is hashed: small enough to publish before the draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub matters: Vec<MatterRecord>,
    pub plan: Plan,
    pub snapshots: SnapshotDigests,
    pub sources: Vec<SourceFile>,
    pub spec_version: String,
}

/// The snapshot records, each list in its canonical order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshots {
    pub entities: Vec<EntityRecord>,
    pub history: Vec<InspectionRecord>,
    /// Version 5 on, ordered by `uscc` then `list`; absent in versions 1 to 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lists: Option<Vec<ListRecord>>,
    pub officers: Vec<OfficerRecord>,
    pub recusals: Vec<RecusalRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// SHA-256 of the RFC 8785 form of `header`, hex.
    pub hash: String,
    #[serde(serialize_with = "canonical::embed")]
    pub header: Header,
    pub snapshots: Snapshots,
}

/// Why a commitment cannot be made from a plan and a directory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the plan does not fit the directory: {}", .0.join("; "))]
pub struct CommitError(pub Vec<String>);

fn history_key(h: &InspectionRecord) -> (&str, &str, &str, &[String]) {
    (&h.uscc, &h.date, &h.matter, &h.officers)
}

impl Snapshots {
    /// Projects the directory onto the draw's records and sorts each list canonically.
    pub fn from_directory<E: Into<EntityRecord>>(d: Directory<E>) -> Snapshots {
        let mut entities: Vec<EntityRecord> = d.entities.into_iter().map(Into::into).collect();
        crate::registry::sort::by_uscc(&mut entities, |e| &e.uscc);
        let mut officers: Vec<OfficerRecord> = d.officers.into_iter().map(Into::into).collect();
        officers.sort_unstable_by(|a, b| a.card_no.cmp(&b.card_no));
        let mut recusals: Vec<RecusalRecord> = d.recusals.into_iter().map(Into::into).collect();
        recusals.sort_unstable();
        let mut history: Vec<InspectionRecord> = d.history.into_iter().map(Into::into).collect();
        history.sort_unstable_by(|a, b| history_key(a).cmp(&history_key(b)));
        let mut lists: Vec<ListRecord> = d.lists.into_iter().map(Into::into).collect();
        lists.sort_unstable_by(ListRecord::order);
        Snapshots {
            entities,
            history,
            lists: Some(lists),
            officers,
            recusals,
        }
    }

    /// Checks the canonical order (and uniqueness of keys) of every list.
    pub fn check_order(&self) -> Result<(), Discrepancy> {
        fn ordered<T>(
            name: &str,
            items: &[T],
            cmp: impl Fn(&T, &T) -> Ordering,
            strict: bool,
        ) -> Result<(), Discrepancy> {
            for (i, pair) in items.windows(2).enumerate() {
                let order = cmp(&pair[0], &pair[1]);
                if order == Ordering::Greater || (strict && order == Ordering::Equal) {
                    let what = if order == Ordering::Equal {
                        "repeats the one before"
                    } else {
                        "is out of order"
                    };
                    return Err(Discrepancy::new(
                        format!("/commitment/snapshots/{name}/{}", i + 1),
                        format!("record {what} (canonical order: DRAW-SPEC §2.2)"),
                    ));
                }
            }
            Ok(())
        }
        ordered("entities", &self.entities, |a, b| a.uscc.cmp(&b.uscc), true)?;
        ordered(
            "history",
            &self.history,
            |a, b| history_key(a).cmp(&history_key(b)),
            false,
        )?;
        if let Some(lists) = &self.lists {
            ordered("lists", lists, ListRecord::order, true)?;
        }
        ordered(
            "officers",
            &self.officers,
            |a, b| a.card_no.cmp(&b.card_no),
            true,
        )?;
        ordered("recusals", &self.recusals, Ord::cmp, true)
    }
}

impl Header {
    /// SHA-256 (hex) of the RFC 8785 form of the header: the commitment hash.
    pub fn hash(&self) -> String {
        canonical::sha256_hex(&canonical::to_vec(self))
    }
}

/// A SHA-256 not yet computed: as long as a real one, so that a header holding it has the
/// length it will have.
const PLACEHOLDER: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn placeholder_digests(s: &Snapshots) -> SnapshotDigests {
    let digest = |count: usize| SnapshotDigest {
        count: count as u64,
        sha256: PLACEHOLDER.to_string(),
    };
    SnapshotDigests {
        entities: digest(s.entities.len()),
        history: digest(s.history.len()),
        lists: s.lists.as_ref().map(|l| digest(l.len())),
        officers: digest(s.officers.len()),
        recusals: digest(s.recusals.len()),
    }
}

/// A writer that only compares what it is given with `expected`, from the start; `pos` is
/// how many bytes agree (up to the first difference).
struct Matches<'a> {
    expected: &'a [u8],
    pos: usize,
    equal: bool,
}

impl Write for Matches<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.equal {
            let rest = &self.expected[self.pos..];
            if rest.get(..buf.len()) == Some(buf) {
                self.pos += buf.len();
            } else {
                self.pos += rest.iter().zip(buf).take_while(|(a, b)| a == b).count();
                self.equal = false;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A commitment whose snapshot digests and hash are still placeholders.
pub struct Unhashed(Commitment);

impl Unhashed {
    /// The commitment as built, its digests and hash still placeholders: enough to count
    /// what a draw would take (`draw::select::sizes`), never to announce.
    pub fn unfinished(&self) -> &Commitment {
        &self.0
    }

    /// Computes the digests and the hash.
    pub fn finish(self) -> Commitment {
        let mut c = self.0;
        c.header.snapshots = c.snapshots.digests();
        c.hash = c.header.hash();
        c
    }

    /// Writes the commitment in one pass over the snapshots, computing their digests as
    /// they are written, then writes the finished header over the placeholder one (same
    /// length: counts are known, hashes are always 64 hex digits). The snapshots are 190 MB
    /// at 10^6 entities; this saves serialising them a second time.
    pub fn write_hashing<W: Write + Seek>(self, w: &mut W) -> std::io::Result<Commitment> {
        let start = w.stream_position()?;
        let placeholder = self.0.prefix();
        w.write_all(&placeholder)?;
        let digests = self.0.snapshots.write_json_hashing(w)?;
        w.write_all(b"}")?;
        let mut c = self.0;
        c.header.snapshots = digests;
        c.hash = c.header.hash();
        let prefix = c.prefix();
        if prefix.len() != placeholder.len() {
            return Err(std::io::Error::other(
                "the finished commitment header differs in length from its placeholder",
            ));
        }
        let end = w.stream_position()?;
        w.seek(SeekFrom::Start(start))?;
        w.write_all(&prefix)?;
        w.seek(SeekFrom::Start(end))?;
        Ok(c)
    }
}

impl Commitment {
    /// Builds the commitment of `plan` over the directory `loaded`.
    pub fn build(loaded: &Loaded, plan: Plan) -> Result<Commitment, CommitError> {
        Commitment::build_from(loaded.clone(), plan)
    }

    /// As `build`, taking the directory by value: its strings move into the snapshots. The
    /// entity rows may be full entities or already their snapshot records
    /// (`registry::load_with`).
    pub fn build_from<E: Into<EntityRecord>>(
        loaded: Loaded<E>,
        plan: Plan,
    ) -> Result<Commitment, CommitError> {
        Ok(Commitment::unhashed(loaded, plan)?.finish())
    }

    /// As `build_from`, but the snapshot digests and the hash are left to be computed,
    /// either in memory (`Unhashed::finish`) or while the commitment is written
    /// (`Unhashed::write_hashing`).
    pub fn unhashed<E: Into<EntityRecord>>(
        loaded: Loaded<E>,
        plan: Plan,
    ) -> Result<Unhashed, CommitError> {
        let matters: Vec<MatterRecord> = plan
            .matters
            .iter()
            .filter_map(|code| loaded.directory.matters.iter().find(|m| &m.code == code))
            .map(Into::into)
            .collect();
        let sources = loaded.sources;
        let snapshots = Snapshots::from_directory(loaded.directory);
        let problems = context::problems(
            &plan,
            &matters,
            &snapshots.entities,
            &snapshots.officers,
            snapshots.lists.as_deref().unwrap_or_default(),
        );
        if !problems.is_empty() {
            return Err(CommitError(problems));
        }
        // A plan without its window's end is one committed under version 2 being rebuilt
        // (new commitments check `Plan::check_new` first): it keeps the version it had.
        // Any other plan is made under the newest version, whose shape it then takes.
        let ((format, spec_version), plan) = match plan.clone().in_shape_of(SPEC_VERSION) {
            Some(newest) => (VERSIONS[0], newest),
            None => match plan.in_shape_of(VERSION_2.1) {
                Some(version_2) => (VERSION_2, version_2),
                None => {
                    return Err(CommitError(vec![
                        "a plan without inspection_end cannot use the rules DRAW-SPEC versions \
                         4 and 5 added (strata by district, type, level or list, split_by, \
                         exclusions = \"ignore\", a floor, exclude_inspected_in_year, \
                         department_matters): name the inspection window's last day"
                            .into(),
                    ]));
                }
            },
        };
        let header = Header {
            format: format.to_string(),
            matters,
            plan,
            snapshots: placeholder_digests(&snapshots),
            sources: sources
                .iter()
                .map(|s| SourceFile {
                    file: s.file.clone(),
                    rows: s.rows as u64,
                    sha256: s.sha256.clone(),
                })
                .collect(),
            spec_version: spec_version.to_string(),
        };
        let mut c = Commitment {
            hash: PLACEHOLDER.to_string(),
            header,
            snapshots,
        };
        if !has_lists(spec_version) {
            c.drop_lists();
        }
        Ok(Unhashed(c))
    }

    /// Puts the commitment under another (`format`, `spec_version`) of `VERSIONS`, its plan
    /// in that version's shape, and hashes it again: how a batch committed under an older
    /// version is rebuilt from its snapshots. False, and nothing changed, if the plan cannot
    /// be written in that version.
    pub fn put_under_version(&mut self, (format, spec_version): (&str, &str)) -> bool {
        let Some(plan) = self.header.plan.clone().in_shape_of(spec_version) else {
            return false;
        };
        if self.snapshots.lists.is_some() && !has_lists(spec_version) {
            self.drop_lists();
        }
        self.header.plan = plan;
        self.header.format = format.to_string();
        self.header.spec_version = spec_version.to_string();
        self.hash = self.header.hash();
        true
    }

    /// Leaves out what versions 1 to 4 do not have: the `lists` snapshot and its source.
    fn drop_lists(&mut self) {
        self.snapshots.lists = None;
        self.header.snapshots.lists = None;
        self.header
            .sources
            .retain(|s| s.file != crate::registry::FILES.lists);
    }

    /// The bytes of the commitment up to its snapshots: `{"hash":…,"header":…,"snapshots":`.
    fn prefix(&self) -> Vec<u8> {
        let mut out = b"{\"hash\":\"".to_vec();
        out.extend_from_slice(self.hash.as_bytes());
        out.extend_from_slice(b"\",\"header\":");
        out.extend(canonical::to_vec(&self.header));
        out.extend_from_slice(b",\"snapshots\":");
        out
    }

    /// Writes the canonical bytes of the commitment.
    pub fn write_to<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(&self.prefix())?;
        self.snapshots.write_json(w)?;
        w.write_all(b"}")
    }

    /// The canonical bytes of the commitment.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_to(&mut out).expect("writing to memory");
        out
    }

    /// Re-derives everything a commitment states about itself: format and spec version,
    /// the plan's validity, the canonical order and digests of the snapshots, and the hash.
    pub fn check(&self) -> Result<(), Discrepancy> {
        self.check_file(None).map(|_| ())
    }

    /// As `check`, and tells whether `file` holds exactly this commitment's canonical
    /// bytes (found out while the snapshots are serialised for their digests), so that a
    /// bundle can copy them instead of serialising 190 MB again.
    pub fn check_file(&self, file: Option<&[u8]>) -> Result<bool, Discrepancy> {
        let whole = file.map(<[u8]>::len);
        Ok(matches!(self.check_prefix(file)?, (true, n) if Some(n) == whole))
    }

    /// As `check`, comparing the commitment's canonical bytes with the start of `file`
    /// while they are serialised for the digests (no second pass): whether `file` begins
    /// with them, and how many bytes agree (all of them, or up to the first difference).
    pub fn check_prefix(&self, file: Option<&[u8]>) -> Result<(bool, usize), Discrepancy> {
        let h = &self.header;
        let Some((_, spec_version)) = VERSIONS.iter().find(|(f, _)| *f == h.format) else {
            let known: Vec<&str> = VERSIONS.iter().map(|(f, _)| *f).collect();
            return Err(Discrepancy::new(
                "/commitment/header/format",
                format!("is {:?}, not one of {known:?}", h.format),
            ));
        };
        Discrepancy::expect_eq(
            "/commitment/header/spec_version",
            &spec_version.to_string(),
            &h.spec_version,
        )?;
        if let Some((field, problem)) = h.plan.shape_problem(&h.spec_version) {
            let path = if field.is_empty() {
                "/commitment/header/plan".to_string()
            } else {
                format!("/commitment/header/plan/{field}")
            };
            return Err(Discrepancy::new(&path, problem));
        }
        match h
            .plan
            .clone()
            .normalized_as(crate::plan::version::has_version_4_shape(&h.spec_version))
        {
            Ok(normal) if normal == h.plan => {}
            Ok(_) => {
                return Err(Discrepancy::new(
                    "/commitment/header/plan",
                    "texts are not trimmed and NFC-normalised",
                ));
            }
            Err(problems) => {
                return Err(Discrepancy::new(
                    "/commitment/header/plan",
                    problems.join("; "),
                ));
            }
        }
        check::matters(&h.matters)?;
        let with_lists = has_lists(&h.spec_version);
        check::sources(&h.sources, with_lists)?;
        for (path, present) in [
            (
                "/commitment/snapshots/lists",
                self.snapshots.lists.is_some(),
            ),
            (
                "/commitment/header/snapshots/lists",
                h.snapshots.lists.is_some(),
            ),
        ] {
            if present != with_lists {
                return Err(Discrepancy::new(
                    path,
                    if with_lists {
                        "is missing: a commitment of version 5 on has the lists snapshot"
                    } else {
                        "is not part of a commitment of versions 1 to 4"
                    },
                ));
            }
        }
        if let (true, Some(source), Some(lists)) =
            (with_lists, h.sources.get(5), &self.snapshots.lists)
        {
            check::lists_source(source, lists.len())?;
        }
        let problems = context::problems(
            &h.plan,
            &h.matters,
            &self.snapshots.entities,
            &self.snapshots.officers,
            self.snapshots.lists.as_deref().unwrap_or_default(),
        );
        if let Some(p) = problems.first() {
            return Err(Discrepancy::new("/commitment/header", p.clone()));
        }
        self.snapshots.check_order()?;
        // Field checks run beside the hashing; their verdict still comes before the digests'.
        let mut file = Matches {
            expected: file.unwrap_or_default(),
            pos: 0,
            equal: file.is_some(),
        };
        let (fields, digests) = std::thread::scope(|s| {
            let fields = s.spawn(|| check::records(&self.snapshots));
            let digests = file
                .write_all(&self.prefix())
                .and_then(|_| self.snapshots.write_json_hashing(&mut file))
                .and_then(|d| file.write_all(b"}").map(|_| d))
                .expect("comparing bytes does not fail");
            (fields.join().expect("field-checking thread"), digests)
        });
        fields?;
        let digests = &digests;
        if let (Some(expected), Some(found)) = (&digests.lists, &h.snapshots.lists) {
            Discrepancy::expect_eq("/commitment/header/snapshots/lists", expected, found)?;
        }
        for (name, expected, found) in [
            ("entities", &digests.entities, &h.snapshots.entities),
            ("history", &digests.history, &h.snapshots.history),
            ("officers", &digests.officers, &h.snapshots.officers),
            ("recusals", &digests.recusals, &h.snapshots.recusals),
        ] {
            Discrepancy::expect_eq(
                format!("/commitment/header/snapshots/{name}"),
                expected,
                found,
            )?;
        }
        Discrepancy::expect_eq("/commitment/hash", &h.hash(), &self.hash)?;
        Ok((file.equal, file.pos))
    }
}
