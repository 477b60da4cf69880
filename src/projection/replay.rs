//! Replays the log from entry 0 into the rows every table must hold, checking on the way
//! that the history it tells is one the application could have written: each batch moves
//! draft → committed → drawn → (results) → published, or is withdrawn before its draw; a
//! batch's draw starts with at most one entropy and is drawn at most once; results are for
//! the batch's targets, one standing result per target, a correction replaces the one
//! standing; ids are given in order; a review is by a reviewer, of a standing result, once
//! (a returned result is corrected before anything is approved), and a batch is published
//! only with every staffed target's standing result approved. A fault names the entry and, where there is one, the
//! batch.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde_json::{Map, Value};

use super::{Cell, Expect, Projection, Rows, SnapshotRows, TABLES};
use crate::import::Kind;
use crate::ledger::{self, StoredEntry, seal};

/// Why the log does not replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub seq: u64,
    pub kind: String,
    pub reason: String,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "FAIL log entry {} ({}): {}",
            self.seq, self.kind, self.reason
        )
    }
}

impl std::error::Error for Fault {}

/// What the log has said of one batch so far.
#[derive(Debug, Default)]
struct Batch {
    title: String,
    plan_toml: String,
    created_at: String,
    state: &'static str,
    commitment_hash: Option<String>,
    /// Entities, officers, matters, recusals, history, lists (`Kind::ALL` order).
    snapshots: [Option<i64>; 6],
    committed_at: Option<String>,
    /// The entropy the draw started with (canonical JSON), and its entry.
    started: Option<(u64, String)>,
    seed: Option<String>,
    bundle_sha256: Option<String>,
    drawn_at: Option<String>,
    published_at: Option<String>,
    withdrawn_at: Option<String>,
    withdraw_reason: Option<String>,
    /// Target USCC → position, once drawn.
    targets: HashMap<String, i64>,
    /// Every result id, in order.
    results: Vec<i64>,
    /// Target USCC → the result that stands for it.
    standing: HashMap<String, i64>,
    /// Targets with a team (each needs an approved result before publication).
    staffed: HashSet<String>,
    /// Result id → its target's USCC.
    uscc_of: HashMap<i64, String>,
    /// Result id → its review's entry and verdict (a result is reviewed once).
    reviewed: HashMap<i64, (u64, &'static str)>,
    /// Result id → its codes and inspection date (what a follow-up is decided on).
    result_facts: HashMap<i64, (Vec<String>, String)>,
    /// Target USCC → the due dates of its follow-up's measures, and its closure.
    dues: HashMap<String, Vec<chrono::NaiveDate>>,
    closed: HashMap<String, (chrono::NaiveDate, crate::domain::codes::Outcome)>,
    last: u64,
}

struct Replay {
    tables: Vec<Rows>,
    snapshots: Vec<SnapshotRows>,
    /// (table, version) → snapshot id.
    snapshot_ids: HashMap<(String, i64), i64>,
    batches: BTreeMap<String, Batch>,
    /// How many results were recorded (ids are 1, 2, … in log order).
    results: i64,
    /// User id → (name, role, whether revoked).
    users: BTreeMap<i64, (String, String, bool)>,
    /// Users who have a password (they may sign in).
    passwords: std::collections::BTreeSet<i64>,
    /// Users whose second factor is on.
    totp: std::collections::BTreeSet<i64>,
    /// Per user, the sessions (their commitments) signed in and not yet signed out, since
    /// the user's last password: a new password, a second factor turned on or off and a revocation end them all.
    sessions: BTreeMap<i64, std::collections::BTreeSet<String>>,
    /// Batch → the openings its publication reveals so far (seq, opening), in log order.
    openings: HashMap<String, Vec<(u64, String)>>,
    /// Annual plan id → its newest version and that version's number.
    annual: HashMap<String, (crate::annual::AnnualPlan, i64)>,
    /// The shipped result lists: which codes are findings.
    book: crate::domain::result_code::CodeBook,
}

/// Replays `entries` (in order, from 0) into the rows the tables must hold.
pub fn replay(entries: &[StoredEntry]) -> Result<Projection, Fault> {
    let mut r = Replay {
        tables: TABLES.iter().copied().map(Rows::new).collect(),
        snapshots: Vec::new(),
        snapshot_ids: HashMap::new(),
        batches: BTreeMap::new(),
        results: 0,
        users: BTreeMap::new(),
        passwords: Default::default(),
        totp: Default::default(),
        sessions: BTreeMap::new(),
        openings: HashMap::new(),
        annual: HashMap::new(),
        book: crate::domain::result_code::CodeBook::shipped(),
    };
    for (i, e) in entries.iter().enumerate() {
        let fault = |kind: &str, reason: String| Fault {
            seq: i as u64,
            kind: kind.to_string(),
            reason,
        };
        let mut env = ledger::entry::decode(&e.bytes).map_err(|err| fault("?", err.to_string()))?;
        let seal = env
            .event
            .get(seal::SEALED)
            .and_then(Value::as_str)
            .map(str::to_string);
        seal::open(&env.kind, &mut env.event, e.opening.as_deref())
            .map_err(|err| fault(&env.kind, format!("its seal: {err}")))?;
        if env.seq != i as u64 || e.seq != i as u64 {
            return Err(fault(
                &env.kind,
                format!("its position is {}, its seq {}", e.seq, env.seq),
            ));
        }
        r.put(
            "log_entries",
            i as u64,
            vec![
                Expect::from(i as i64),
                Expect::Is(Cell::Bytes(e.bytes.clone())),
                Expect::Is(Cell::Bytes(ledger::tree::leaf_hash(&e.bytes).to_vec())),
                seal.map_or(Expect::Is(Cell::Null), Expect::Sha256Of),
            ],
        );
        if let (Some(opening), true) = (
            &e.opening,
            seal::REVEALED_AT_PUBLICATION.contains(&env.kind.as_str()),
        ) && let Some(batch) = env.event.get("batch").and_then(Value::as_str)
        {
            r.openings
                .entry(batch.to_string())
                .or_default()
                .push((i as u64, opening.clone()));
        }
        r.put(
            "log_checkpoints",
            i as u64,
            vec![
                Expect::from(i as i64 + 1),
                Expect::Note { size: i as u64 + 1 },
            ],
        );
        let ev = Event {
            event: &env.event,
            kind: &env.kind,
        };
        r.apply(i as u64, &env.time, ev)
            .map_err(|reason| fault(&env.kind, reason))?;
    }
    r.finish();
    Ok(Projection {
        tables: r.tables,
        snapshots: r.snapshots,
    })
}

/// An entry's event with typed field access; a missing or mistyped field is a fault.
#[derive(Clone, Copy)]
struct Event<'a> {
    event: &'a Map<String, Value>,
    kind: &'a str,
}

impl<'a> Event<'a> {
    fn get(&self, field: &str) -> Result<&'a Value, String> {
        self.event
            .get(field)
            .ok_or_else(|| format!("{} has no '{field}'", self.kind))
    }
    fn str(&self, field: &str) -> Result<&'a str, String> {
        self.get(field)?
            .as_str()
            .ok_or_else(|| format!("{}'s '{field}' is not a string", self.kind))
    }
    fn opt_str(&self, field: &str) -> Result<Option<&'a str>, String> {
        match self.get(field)? {
            Value::Null => Ok(None),
            v => v
                .as_str()
                .map(Some)
                .ok_or_else(|| format!("{}'s '{field}' is not a string or null", self.kind)),
        }
    }
    fn int(&self, field: &str) -> Result<i64, String> {
        self.get(field)?
            .as_i64()
            .ok_or_else(|| format!("{}'s '{field}' is not an integer", self.kind))
    }
    fn opt_int(&self, field: &str) -> Result<Option<i64>, String> {
        match self.get(field)? {
            Value::Null => Ok(None),
            v => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| format!("{}'s '{field}' is not an integer or null", self.kind)),
        }
    }
    fn array(&self, field: &str) -> Result<&'a Vec<Value>, String> {
        self.get(field)?
            .as_array()
            .ok_or_else(|| format!("{}'s '{field}' is not an array", self.kind))
    }
}

fn canonical(v: &Value) -> String {
    String::from_utf8(crate::canonical::to_vec(v)).unwrap_or_default()
}

impl Replay {
    fn put(&mut self, table: &str, seq: u64, row: Vec<Expect>) {
        if let Some(t) = self.tables.iter_mut().find(|t| t.spec.name == table) {
            let key = row[..t.spec.key]
                .iter()
                .map(|e| match e {
                    Expect::Is(c) => c.clone(),
                    other => Cell::Text(other.to_string()),
                })
                .collect();
            t.rows.insert(key, (seq, row));
        }
    }

    fn batch(&mut self, id: &str) -> Result<&mut Batch, String> {
        self.batches
            .get_mut(id)
            .ok_or_else(|| format!("batch {id} was never created"))
    }

    fn apply(&mut self, seq: u64, time: &str, ev: Event<'_>) -> Result<(), String> {
        match ev.kind {
            "log.init" => {
                if seq != 0 {
                    return Err("log.init after the log's start".into());
                }
                self.put(
                    "meta",
                    seq,
                    vec![Expect::from("log_origin"), Expect::from(ev.str("origin")?)],
                );
                self.put(
                    "meta",
                    seq,
                    vec![
                        Expect::from("log_verifier_key"),
                        Expect::from(ev.str("verifier_key")?),
                    ],
                );
            }
            _ if seq == 0 => return Err("the log must start with log.init".into()),
            "directory.snapshot" => self.snapshot(seq, time, ev)?,
            "batch.created" => {
                let id = ev.str("batch")?;
                if self.batches.contains_key(id) {
                    return Err(format!("batch {id} is created twice"));
                }
                let plan_toml = ev.str("plan_toml")?;
                let plan = crate::plan::Plan::from_toml(&format!("batch {id}"), plan_toml)
                    .map_err(|e| format!("batch {id}: its plan_toml does not parse: {e}"))?;
                let plan_value = serde_json::to_value(&plan).map_err(|e| e.to_string())?;
                if &plan_value != ev.get("plan")?
                    || plan.id != id
                    || plan.title != ev.str("title")?
                {
                    return Err(format!(
                        "batch {id}: its plan_toml is not the plan, id and title it logs"
                    ));
                }
                self.batches.insert(
                    id.to_string(),
                    Batch {
                        title: ev.str("title")?.to_string(),
                        plan_toml: plan_toml.to_string(),
                        created_at: time.to_string(),
                        state: "draft",
                        last: seq,
                        ..Batch::default()
                    },
                );
            }
            "batch.committed" => {
                let id = ev.str("batch")?;
                let snapshots = ev
                    .get("snapshots")?
                    .as_object()
                    .ok_or("batch.committed's 'snapshots' is not an object")?;
                let mut ids = [None; 6];
                for (slot, table) in ids.iter_mut().zip(Kind::ALL.map(Kind::word)) {
                    // A batch names a lists snapshot only when one was imported before it.
                    let s = match snapshots.get(table) {
                        Some(s) => s,
                        None if table == Kind::Lists.word() => continue,
                        None => return Err(format!("batch {id}: no {table} snapshot")),
                    };
                    let version = s["version"].as_i64().unwrap_or(-1);
                    let sid = self
                        .snapshot_ids
                        .get(&(table.to_string(), version))
                        .copied()
                        .ok_or_else(|| {
                            format!(
                                "batch {id}: {table} snapshot version {version} was never logged"
                            )
                        })?;
                    let logged = &self.snapshots[(sid - 1) as usize];
                    if s["content_sha256"] != logged.content_sha256.as_str()
                        || s["rows"] != logged.rows
                    {
                        return Err(format!(
                            "batch {id}: {table} v{version} is not the snapshot logged at entry {}",
                            logged.seq
                        ));
                    }
                    *slot = Some(sid);
                }
                let b = self.batch(id)?;
                if b.state != "draft" {
                    return Err(format!("batch {id} is {}, not a draft", b.state));
                }
                b.state = "committed";
                b.commitment_hash = Some(ev.str("commitment_hash")?.to_string());
                b.snapshots = ids;
                b.committed_at = Some(time.to_string());
                b.last = seq;
            }
            "draw.started" => {
                let id = ev.str("batch")?;
                let entropy = canonical(ev.get("entropy")?);
                let b = self.batch(id)?;
                match &b.started {
                    Some((first, earlier)) if *earlier != entropy => {
                        return Err(format!(
                            "batch {id}: a second entropy for its draw (the first was logged at entry {first}): a re-roll"
                        ));
                    }
                    Some(_) => {}
                    None if b.state != "committed" => {
                        return Err(format!("batch {id}: draw started while {}", b.state));
                    }
                    None => b.started = Some((seq, entropy)),
                }
            }
            "draw.refused" | "draw.failed" => {
                ev.str("batch")?;
                ev.str("reason")?;
            }
            "batch.drawn" => self.drawn(seq, time, ev)?,
            "result.recorded" | "result.corrected" => self.result(seq, time, ev)?,
            "result.approved" | "result.returned" => self.review(seq, time, ev)?,
            "annual_plan.published" => self.annual_plan(seq, time, ev)?,
            "followup.measure" | "followup.closed" => self.followup(seq, time, ev)?,
            "batch.withdrawn" => {
                let id = ev.str("batch")?;
                let reason = ev.str("reason")?;
                let b = self.batch(id)?;
                if !matches!(b.state, "draft" | "committed") {
                    return Err(format!("batch {id} is withdrawn while {}", b.state));
                }
                if let Some((started, _)) = &b.started {
                    return Err(format!(
                        "batch {id} is withdrawn after its draw started (entry {started})"
                    ));
                }
                b.state = "withdrawn";
                b.withdrawn_at = Some(time.to_string());
                b.withdraw_reason = Some(reason.to_string());
                b.last = seq;
            }
            "batch.published" => {
                let id = ev.str("batch")?;
                let revealed = ev.str("reveals_sha256")?;
                let bundle = ev.opt_str("bundle_sha256")?;
                let openings = self.openings.get(id).map(Vec::as_slice).unwrap_or_default();
                let reveals = crate::canonical::sha256_hex(&seal::reveals(
                    openings.iter().map(|(seq, o)| (*seq, o.as_str())),
                ));
                let b = self.batch(id)?;
                if !matches!(b.state, "drawn" | "results") {
                    return Err(format!("batch {id} is published while {}", b.state));
                }
                if revealed != reveals {
                    return Err(format!(
                        "batch {id}: published revealing {revealed}, but the openings of its draw and its {} result entries hash to {reveals}",
                        b.results.len()
                    ));
                }
                if bundle != b.bundle_sha256.as_deref() {
                    return Err(format!("batch {id}: published with another bundle hash"));
                }
                let mut unapproved: Vec<&str> = b
                    .staffed
                    .iter()
                    .filter(|u| {
                        b.standing
                            .get(*u)
                            .and_then(|r| b.reviewed.get(r))
                            .is_none_or(|(_, v)| *v != "approved")
                    })
                    .map(String::as_str)
                    .collect();
                unapproved.sort_unstable();
                if let Some(first) = unapproved.first() {
                    return Err(format!(
                        "batch {id}: published with {} staffed target(s) whose standing result is not approved (first {first})",
                        unapproved.len()
                    ));
                }
                b.state = "published";
                b.published_at = Some(time.to_string());
                b.last = seq;
            }
            "user.added" => {
                let id = ev.int("user")?;
                let name = ev.str("name")?;
                if id != self.users.len() as i64 + 1 {
                    return Err(format!("user {id} added out of order"));
                }
                if self.users.values().any(|(n, _, _)| n == name) {
                    return Err(format!("user name '{name}' added twice"));
                }
                let role = ev.str("role")?;
                let card = ev.opt_str("card_no")?;
                if !matches!(role, "corps" | "officer" | "auditor" | "reviewer")
                    || (role == "officer") != card.is_some()
                {
                    return Err(format!("user {id}: role {role} with card {card:?}"));
                }
                self.users
                    .insert(id, (name.to_string(), role.to_string(), false));
                self.put(
                    "users",
                    seq,
                    vec![
                        Expect::from(id),
                        Expect::from(name),
                        Expect::from(role),
                        Expect::from(card),
                        Expect::Sha256Of(ev.str("token_commitment")?.to_string()),
                        Expect::from(time),
                        Expect::Is(Cell::Null),
                        Expect::from(seq as i64),
                    ],
                );
            }
            "user.revoked" => {
                let id = ev.int("user")?;
                match self.users.get_mut(&id) {
                    Some((_, _, revoked @ false)) => *revoked = true,
                    Some(_) => return Err(format!("user {id} revoked twice")),
                    None => return Err(format!("user {id} was never added")),
                }
                self.sessions.remove(&id);
                let table = self.tables.iter_mut().find(|t| t.spec.name == "users");
                if let Some((_, row)) = table.and_then(|t| t.rows.get_mut(&vec![Cell::Int(id)])) {
                    row[6] = Expect::from(time);
                }
            }
            "user.password_set" => {
                let id = ev.int("user")?;
                let by = ev.opt_int("by")?;
                self.self_or_corps(id, by, "set the password")?;
                self.passwords.insert(id);
                self.sessions.remove(&id);
                self.put(
                    "passwords",
                    seq,
                    vec![
                        Expect::from(seq as i64),
                        Expect::from(id),
                        Expect::Sha256Of(ev.str("phc_commitment")?.to_string()),
                        Expect::from(by),
                        Expect::from(time),
                    ],
                );
            }
            "user.totp_set" => {
                let id = ev.int("user")?;
                let role = self.active_user(id)?;
                if role != "corps" {
                    return Err(format!(
                        "user {id} ({role}) turned a second factor on: only corps users have one"
                    ));
                }
                if ev.int("by")? != id {
                    return Err(format!(
                        "user {id}'s second factor turned on by someone else: only the user can"
                    ));
                }
                if !self.totp.insert(id) {
                    return Err(format!("user {id}'s second factor turned on twice"));
                }
                self.sessions.remove(&id);
                self.put(
                    "totp_secrets",
                    seq,
                    vec![
                        Expect::from(seq as i64),
                        Expect::from(id),
                        Expect::Sha256Of(ev.str("secret_commitment")?.to_string()),
                        Expect::from(Some(id)),
                        Expect::from(time),
                    ],
                );
            }
            "user.totp_removed" => {
                let id = ev.int("user")?;
                let by = ev.opt_int("by")?;
                self.self_or_corps(id, by, "turned off the second factor")?;
                if !self.totp.remove(&id) {
                    return Err(format!(
                        "user {id}'s second factor turned off, but it was not on"
                    ));
                }
                self.sessions.remove(&id);
                self.put(
                    "totp_secrets",
                    seq,
                    vec![
                        Expect::from(seq as i64),
                        Expect::from(id),
                        Expect::from(""),
                        Expect::from(by),
                        Expect::from(time),
                    ],
                );
            }
            "user.signed_in" => {
                let id = ev.int("user")?;
                self.active_user(id)?;
                if !self.passwords.contains(&id) {
                    return Err(format!("user {id} signed in without a password"));
                }
                let session = ev.str("session")?;
                if !self
                    .sessions
                    .entry(id)
                    .or_default()
                    .insert(session.to_string())
                {
                    return Err(format!("user {id} signed in twice to session {session}"));
                }
            }
            "user.signed_out" => {
                let id = ev.int("user")?;
                let session = ev.str("session")?;
                let open = self.sessions.get_mut(&id);
                if !open.is_some_and(|s| s.remove(session)) {
                    return Err(format!(
                        "user {id} signed out of session {session}, which is not open (never signed in, signed out already, or ended by a new password, a second factor turned on or off, or revocation)"
                    ));
                }
            }
            other => return Err(format!("unknown entry kind '{other}'")),
        }
        Ok(())
    }

    /// Checks an act on user `id`'s account (`act`, for the message) by `by`: the user
    /// themself or a corps user, both active, or the server's operator (`None`).
    fn self_or_corps(&self, id: i64, by: Option<i64>, act: &str) -> Result<(), String> {
        self.active_user(id)?;
        if let Some(by) = by {
            let role = self.active_user(by)?;
            if by != id && role != "corps" {
                return Err(format!(
                    "user {by} ({role}) {act} of user {id}: only the user or the corps may"
                ));
            }
        }
        Ok(())
    }

    /// The role of user `id`, who must have been added and not revoked.
    fn active_user(&self, id: i64) -> Result<&str, String> {
        match self.users.get(&id) {
            Some((_, role, false)) => Ok(role),
            Some(_) => Err(format!("user {id} is revoked")),
            None => Err(format!("user {id} was never added")),
        }
    }

    fn snapshot(&mut self, seq: u64, time: &str, ev: Event<'_>) -> Result<(), String> {
        let table = ev.str("table")?;
        if Kind::parse(table).is_none() {
            return Err(format!("no directory table '{table}'"));
        }
        let version = ev.int("version")?;
        let newest = self
            .snapshots
            .iter()
            .filter(|s| s.table == table)
            .map(|s| s.version)
            .max()
            .unwrap_or(0);
        if version != newest + 1 {
            return Err(format!("{table} version {version} after version {newest}"));
        }
        let source = ev
            .get("source")?
            .as_object()
            .ok_or("directory.snapshot's 'source' is not an object")?;
        let source = Event {
            event: source,
            kind: "directory.snapshot source",
        };
        let id = self.snapshots.len() as i64 + 1;
        let facts = SnapshotRows {
            id,
            table: table.to_string(),
            version,
            rows: ev.int("rows")?,
            content_sha256: ev.str("content_sha256")?.to_string(),
            seq,
        };
        self.put(
            "snapshots",
            seq,
            vec![
                Expect::from(id),
                Expect::from(table),
                Expect::from(version),
                Expect::from(facts.content_sha256.as_str()),
                Expect::from(facts.rows),
                Expect::from(source.str("name")?),
                Expect::from(source.str("sha256")?),
                Expect::from(source.str("encoding")?),
                Expect::from(time),
                Expect::from(seq as i64),
            ],
        );
        self.snapshot_ids.insert((table.to_string(), version), id);
        self.snapshots.push(facts);
        Ok(())
    }

    fn drawn(&mut self, seq: u64, time: &str, ev: Event<'_>) -> Result<(), String> {
        let id = ev.str("batch")?.to_string();
        let strata = ev.array("strata")?;
        let targets = ev.array("targets")?;
        let b = self.batch(&id)?;
        if b.state != "committed" {
            return Err(format!(
                "batch {id} is drawn while {} (a batch is drawn once)",
                b.state
            ));
        }
        if b.started.is_none() {
            return Err(format!("batch {id} is drawn without a logged draw.started"));
        }
        if Some(ev.str("commitment_hash")?) != b.commitment_hash.as_deref() {
            return Err(format!("batch {id}: drawn under another commitment hash"));
        }
        b.state = "drawn";
        b.seed = Some(ev.str("seed")?.to_string());
        b.bundle_sha256 = Some(ev.str("bundle_sha256")?.to_string());
        b.drawn_at = Some(time.to_string());
        b.last = seq;
        // Each target's stratum: the strata in order, each with its `drawn` targets.
        let mut names = Vec::new();
        for s in strata {
            let name = s["name"].as_str().ok_or("a stratum without a name")?;
            let drawn = s["drawn"].as_u64().ok_or("a stratum without 'drawn'")?;
            names.extend(std::iter::repeat_n(name.to_string(), drawn as usize));
        }
        if names.len() != targets.len() {
            return Err(format!(
                "batch {id}: its strata draw {} targets, it lists {}",
                names.len(),
                targets.len()
            ));
        }
        let mut rows = Vec::with_capacity(targets.len());
        for (position, (t, stratum)) in targets.iter().zip(names).enumerate() {
            let uscc = t["uscc"].as_str().ok_or("a target without a uscc")?;
            let team: Vec<&str> = t["team"]
                .as_array()
                .ok_or("a target without a team")?
                .iter()
                .map(|c| c.as_str().ok_or("a team member that is not a string"))
                .collect::<Result<_, _>>()?;
            if b.targets
                .insert(uscc.to_string(), position as i64)
                .is_some()
            {
                return Err(format!("batch {id}: target {uscc} drawn twice"));
            }
            if !team.is_empty() {
                b.staffed.insert(uscc.to_string());
            }
            rows.push(vec![
                Expect::from(id.as_str()),
                Expect::from(position as i64),
                Expect::from(stratum),
                Expect::from(uscc),
                Expect::from(team.join(";")),
            ]);
        }
        for row in rows {
            self.put("assignments", seq, row);
        }
        Ok(())
    }

    fn result(&mut self, seq: u64, time: &str, ev: Event<'_>) -> Result<(), String> {
        let id = ev.str("batch")?;
        let result = ev.int("result")?;
        let uscc = ev.str("uscc")?;
        let corrects = ev.opt_int("corrects")?;
        let codes: Vec<&str> = ev
            .array("codes")?
            .iter()
            .map(|c| c.as_str().ok_or("a code that is not a string"))
            .collect::<Result<_, _>>()?;
        if result != self.results + 1 {
            return Err(format!("result {result} recorded out of order"));
        }
        if (ev.kind == "result.corrected") != corrects.is_some() {
            return Err(format!(
                "result {result}: a {} that corrects {corrects:?}",
                ev.kind
            ));
        }
        let b = self.batch(id)?;
        let open = match b.state {
            "drawn" | "results" => true,
            "published" => corrects.is_some(),
            _ => false,
        };
        if !open {
            return Err(format!("batch {id}: result {result} while {}", b.state));
        }
        if !b.targets.contains_key(uscc) {
            return Err(format!(
                "batch {id}: result {result} for {uscc}, not a target"
            ));
        }
        let standing = b.standing.get(uscc).copied();
        if standing != corrects {
            return Err(match (standing, corrects) {
                (Some(s), None) => format!(
                    "batch {id}: result {result} for {uscc} is not a correction, but result {s} stands"
                ),
                (s, Some(c)) => format!(
                    "batch {id}: result {result} corrects {c}, but the standing result for {uscc} is {s:?}"
                ),
                (None, None) => unreachable!("equal"),
            });
        }
        let checklist = checklist_of(result, ev.event.get("checklist"))?;
        b.standing.insert(uscc.to_string(), result);
        b.uscc_of.insert(result, uscc.to_string());
        b.result_facts.insert(
            result,
            (
                codes.iter().map(|c| c.to_string()).collect(),
                ev.str("inspected_on")?.to_string(),
            ),
        );
        b.results.push(result);
        if b.state == "drawn" {
            b.state = "results";
        }
        b.last = seq;
        self.results = result;
        self.put(
            "results",
            seq,
            vec![
                Expect::from(result),
                Expect::from(id),
                Expect::from(uscc),
                Expect::from(ev.str("recorded_by")?),
                Expect::from(codes.join(";")),
                Expect::from(ev.str("note")?),
                Expect::from(ev.str("inspected_on")?),
                Expect::from(time),
                Expect::from(corrects),
                Expect::from(seq as i64),
                // Absent from entries written before retries carried a request id.
                Expect::from(match ev.event.get("request") {
                    None => None,
                    Some(_) => ev.opt_str("request")?,
                }),
                checklist.0,
                checklist.1,
            ],
        );
        Ok(())
    }

    /// A review (`result.approved`, `result.returned`): by a reviewer not revoked, of the
    /// standing result of a target of a drawn batch, once; a return has its reason.
    fn review(&mut self, seq: u64, time: &str, ev: Event<'_>) -> Result<(), String> {
        let id = ev.str("batch")?;
        let result = ev.int("result")?;
        let reviewer = ev.int("reviewer")?;
        let (verdict, reason) = match ev.kind {
            "result.returned" => {
                let reason = ev.str("reason")?;
                if crate::domain::text::required(reason).as_deref() != Ok(reason)
                    || reason.chars().count() > crate::app::reviews::REASON_MAX
                {
                    return Err(format!(
                        "batch {id}: result {result} returned with a reason that is not 1 to {} trimmed characters",
                        crate::app::reviews::REASON_MAX
                    ));
                }
                ("returned", Some(reason))
            }
            _ => ("approved", None),
        };
        let expected = if reason.is_some() { 4 } else { 3 };
        if ev.event.len() != expected {
            return Err(format!("batch {id}: {} with other fields", ev.kind));
        }
        match self.users.get(&reviewer) {
            Some((_, role, false)) if role == "reviewer" => {}
            Some((name, role, revoked)) => {
                return Err(format!(
                    "batch {id}: result {result} reviewed by user {reviewer} ({name}), who is {role}{}",
                    if *revoked { ", revoked" } else { "" }
                ));
            }
            None => {
                return Err(format!(
                    "batch {id}: reviewed by user {reviewer}, never added"
                ));
            }
        }
        let b = self.batch(id)?;
        if !matches!(b.state, "drawn" | "results" | "published") {
            return Err(format!(
                "batch {id}: result {result} reviewed while {}",
                b.state
            ));
        }
        let uscc = b
            .uscc_of
            .get(&result)
            .ok_or_else(|| format!("batch {id}: review of result {result}, not a result of it"))?;
        if b.standing.get(uscc) != Some(&result) {
            return Err(format!(
                "batch {id}: review of result {result}, which no longer stands for {uscc} (result {:?} does)",
                b.standing.get(uscc)
            ));
        }
        if let Some((at, earlier)) = b.reviewed.get(&result) {
            return Err(format!(
                "batch {id}: result {result} reviewed again ({earlier} at entry {at}): a result is reviewed once"
            ));
        }
        b.reviewed.insert(result, (seq, verdict));
        self.put(
            "reviews",
            seq,
            vec![
                Expect::from(seq as i64),
                Expect::from(id),
                Expect::from(result),
                Expect::from(reviewer),
                Expect::from(verdict),
                Expect::from(reason),
                Expect::from(time),
            ],
        );
        Ok(())
    }

    /// An annual plan's version (`annual_plan.published`): a plan the checker accepts, its
    /// fields exactly as the application writes them, version 1 first and each next one
    /// amending the one before (same department and year, no batch dropped, a change).
    fn annual_plan(&mut self, seq: u64, time: &str, ev: Event<'_>) -> Result<(), String> {
        let what = format!("entry {seq}");
        let (plan, version) =
            crate::annual::from_event(&what, ev.event).map_err(|e| e.to_string())?;
        let id = plan.id.to_string();
        if plan.to_event(version) != Value::Object(ev.event.clone()) {
            return Err(format!(
                "annual plan {id}: its fields are not as the application writes them"
            ));
        }
        match self.annual.get(&id) {
            None if version == 1 => {}
            Some((previous, v)) if version == v + 1 => plan
                .amends(previous)
                .map_err(|e| format!("annual plan {id} version {version}: {e}"))?,
            _ => {
                return Err(format!("annual plan {id}: version {version} out of order"));
            }
        }
        let event = plan.to_event(version);
        self.put(
            "annual_plans",
            seq,
            vec![
                Expect::from(seq as i64),
                Expect::from(id.as_str()),
                Expect::from(version),
                Expect::from(plan.department.as_str()),
                Expect::from(i64::from(plan.year)),
                Expect::from(plan.title.as_str()),
                Expect::from(plan.basis.as_str()),
                Expect::from(canonical(&event["batches"]).as_str()),
                Expect::from(canonical(&event["floors"]).as_str()),
                Expect::from(time),
            ],
        );
        self.annual.insert(id, (plan, version));
        Ok(())
    }

    /// A follow-up's measure or closure (`followup.measure`, `followup.closed`): by a corps
    /// user not revoked, of the standing result of a target, under `domain::followup`'s
    /// rules with the entry's day (China time) as today. Which codes are findings is read
    /// from the shipped lists, any of them (the replay does not know a target's sector; the
    /// application checks against the sector's own list).
    fn followup(&mut self, seq: u64, time: &str, ev: Event<'_>) -> Result<(), String> {
        use crate::domain::{codes, followup};
        let id = ev.str("batch")?;
        let uscc = ev.str("uscc")?;
        let result = ev.int("result")?;
        let by = ev.int("by")?;
        // Seven fields; a measure recorded with a request id names it too.
        let request = ev.kind == "followup.measure" && ev.event.contains_key("request");
        if ev.event.len() != 7 + usize::from(request) {
            return Err(format!("batch {id}: {} with other fields", ev.kind));
        }
        match self.users.get(&by) {
            Some((_, role, false)) if role == "corps" => {}
            Some((name, role, revoked)) => {
                return Err(format!(
                    "batch {id}: follow-up of {uscc} by user {by} ({name}), who is {role}{}",
                    if *revoked { ", revoked" } else { "" }
                ));
            }
            None => return Err(format!("batch {id}: follow-up by user {by}, never added")),
        }
        let today = crate::app::batch::china_date(time)
            .ok_or_else(|| format!("entry time {time} is not RFC 3339"))?;
        let date = |field: &str| -> Result<chrono::NaiveDate, String> {
            let v = ev.str(field)?;
            v.parse()
                .ok()
                .filter(|d: &chrono::NaiveDate| d.to_string() == v)
                .ok_or_else(|| format!("batch {id}: {}'s '{field}' is not a date: {v}", ev.kind))
        };
        let text = |field: &str, required: bool| -> Result<String, String> {
            let v = ev.str(field)?;
            match followup::text(v, required, (field, field)) {
                Ok(t) if t == v => Ok(t),
                _ => Err(format!(
                    "batch {id}: {}'s '{field}' is not {} to {} trimmed characters",
                    ev.kind,
                    if required { 1 } else { 0 },
                    followup::TEXT_MAX
                )),
            }
        };
        let b = self
            .batches
            .get(id)
            .ok_or_else(|| format!("batch {id} was never created"))?;
        if b.standing.get(uscc) != Some(&result) {
            return Err(format!(
                "batch {id}: follow-up of result {result}, which is not the standing result of {uscc} ({:?} is)",
                b.standing.get(uscc)
            ));
        }
        let (codes_of, inspected) = &b.result_facts[&result];
        let finding = codes_of.iter().any(|c| {
            self.book.lists().iter().any(|l| {
                l.get(c)
                    .is_some_and(|k| k.kind == crate::domain::result_code::Kind::Finding)
            })
        });
        let facts = followup::Facts {
            finding,
            settled: b.state == "published"
                || matches!(b.reviewed.get(&result), Some((_, "approved"))),
            inspected_on: inspected.parse().ok(),
            dues: b.dues.get(uscc).cloned().unwrap_or_default(),
            closed: b.closed.get(uscc).copied(),
        };
        let row = if ev.kind == "followup.measure" {
            let measure = ev.str("measure")?;
            codes::Measure::parse(measure)
                .ok()
                .filter(|m| m.as_str() == measure)
                .ok_or_else(|| format!("batch {id}: '{measure}' is not a measure"))?;
            let due = date("due")?;
            followup::check_measure(&facts, due, today)
                .map_err(|e| format!("batch {id}: measure for {uscc}: {e}"))?;
            let note = text("note", false)?;
            let b = self.batch(id)?;
            b.dues.entry(uscc.to_string()).or_default().push(due);
            (
                "followup_measures",
                vec![
                    Expect::from(seq as i64),
                    Expect::from(id),
                    Expect::from(uscc),
                    Expect::from(result),
                    Expect::from(measure),
                    Expect::from(due.to_string()),
                    Expect::from(note),
                    Expect::from(by),
                    Expect::from(time),
                    // Only a measure recorded with a request id names one, as the
                    // application checks it.
                    Expect::from(match ev.event.get("request") {
                        None => None,
                        Some(_) => {
                            let r = ev.opt_str("request")?.ok_or_else(|| {
                                format!("batch {id}: a measure's request is null")
                            })?;
                            crate::app::results::request_id(r)
                                .map_err(|e| format!("batch {id}: a measure's request: {e}"))?;
                            Some(r)
                        }
                    }),
                ],
            )
        } else {
            let outcome = ev.str("outcome")?;
            let kind = codes::Outcome::parse(outcome)
                .ok()
                .filter(|o| o.as_str() == outcome)
                .ok_or_else(|| format!("batch {id}: '{outcome}' is not an outcome"))?;
            let on = date("closed_on")?;
            followup::check_closure(&facts, on, today)
                .map_err(|e| format!("batch {id}: closure for {uscc}: {e}"))?;
            let words = text("text", true)?;
            let b = self.batch(id)?;
            b.closed.insert(uscc.to_string(), (on, kind));
            (
                "followup_closures",
                vec![
                    Expect::from(seq as i64),
                    Expect::from(id),
                    Expect::from(uscc),
                    Expect::from(result),
                    Expect::from(on.to_string()),
                    Expect::from(outcome),
                    Expect::from(words),
                    Expect::from(by),
                    Expect::from(time),
                ],
            )
        };
        self.put(row.0, seq, row.1);
        Ok(())
    }

    /// Writes each batch's row from what the log said of it.
    fn finish(&mut self) {
        let batches = std::mem::take(&mut self.batches);
        for (id, b) in batches {
            let entropy = b
                .drawn_at
                .as_ref()
                .and_then(|_| b.started.as_ref().map(|(_, e)| e.clone()));
            let header = match &b.commitment_hash {
                Some(h) => Expect::Sha256Of(h.clone()),
                None => Expect::Is(Cell::Null),
            };
            let [e, o, m, r, h, l] = b.snapshots;
            self.put(
                "batches",
                b.last,
                vec![
                    Expect::from(id.as_str()),
                    Expect::from(b.title),
                    Expect::from(b.state),
                    Expect::from(b.plan_toml),
                    Expect::from(b.created_at),
                    Expect::from(b.commitment_hash),
                    header,
                    Expect::from(e),
                    Expect::from(o),
                    Expect::from(m),
                    Expect::from(r),
                    Expect::from(h),
                    Expect::from(b.committed_at),
                    Expect::from(b.seed),
                    Expect::from(entropy),
                    Expect::from(b.bundle_sha256),
                    Expect::from(b.drawn_at),
                    Expect::from(b.published_at),
                    Expect::from(b.withdrawn_at),
                    Expect::from(b.withdraw_reason),
                    Expect::from(l),
                ],
            );
        }
    }
}

/// What a result entry's `checklist` says its row holds: the checklist's canonical text
/// (NULL for null or, in entries written before checklists, absent) and the findings'
/// opening, covered by its hash (NULL when the checklist has none).
fn checklist_of(result: i64, checklist: Option<&Value>) -> Result<(Expect, Expect), String> {
    let Some(c) = checklist.filter(|c| !c.is_null()) else {
        return Ok((Expect::from(None::<String>), Expect::from(None::<String>)));
    };
    let bad = || {
        format!("result {result}: a checklist that is not {{\"filled\":[…],\"findings_sha256\":…}}")
    };
    let Value::Object(map) = c else {
        return Err(bad());
    };
    if map.len() != 2 || !map.get("filled").is_some_and(Value::is_array) {
        return Err(bad());
    }
    let findings = match map.get("findings_sha256") {
        Some(Value::Null) => Expect::from(None::<String>),
        Some(Value::String(h)) => Expect::Sha256Of(h.clone()),
        _ => return Err(bad()),
    };
    let text = String::from_utf8(crate::canonical::to_vec(c)).map_err(|_| bad())?;
    Ok((Expect::from(text), findings))
}
