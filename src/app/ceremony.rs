//! The draw ceremony (摇号) of a committed batch as the console runs it: each declared
//! witness's digits, checked one by one (`entropy::ceremony::problem`, the rule the draw
//! itself applies), made into the entropy text the CLI takes (`entropy::ceremony::text`) and
//! drawn by `draw::draw`, exactly once. A batch already drawn is never drawn again: what the
//! page shows then is the recorded draw (`record`: seed, witnesses' digits, targets and
//! teams as the draw stored them, columns that `log verify` holds to the signed entries).

use super::{App, AppError, Result, batch, draw};
use crate::entropy::{Contribution, Entropy, ceremony};
use crate::msg;
use crate::plan::EntropyDeclaration;
use crate::store::{self, batches::BatchRow};

/// Where a batch stands for the ceremony.
#[derive(Debug, Clone)]
pub enum Stage {
    /// Committed, with a ceremony declared: the witnesses (in declared order) and the
    /// digits each gives.
    Open { witnesses: Vec<String>, digits: u32 },
    /// Committed, drawing from a drand round: no ceremony.
    Drand { round: u64 },
    /// Drawn: the record.
    Drawn(Box<Record>),
    /// A draft or a withdrawn batch: nothing to draw (its state).
    Closed(String),
}

/// One drawn target with its team.
#[derive(Debug, Clone)]
pub struct DrawnTarget {
    pub uscc: String,
    pub name: String,
    pub district: String,
    /// Each officer as `name（card）`, in pick order; empty: unstaffed.
    pub team: Vec<String>,
}

/// The recorded draw of a batch (摇号记录).
#[derive(Debug, Clone)]
pub struct Record {
    pub batch_id: String,
    pub title: String,
    pub commitment_hash: String,
    pub seed: String,
    pub bundle_sha256: String,
    /// When the draw was logged.
    pub drawn_at: String,
    /// The witnesses' digits, in declared order (empty for a drand draw).
    pub contributions: Vec<Contribution>,
    /// Each stratum's name and targets, in draw order.
    pub strata: Vec<(String, Vec<DrawnTarget>)>,
}

/// What a ceremony's post came to.
#[derive(Debug)]
pub enum Outcome {
    /// Drawn now.
    Drawn,
    /// Drawn before (this post drew nothing).
    AlreadyDrawn,
    /// Some digits are wrong: one entry per witness (nothing was drawn or logged).
    Invalid(Vec<Option<ceremony::DigitsProblem>>),
}

/// Where batch `id` stands for the ceremony.
pub async fn stage(app: &App, id: &str) -> Result<(BatchRow, Stage)> {
    let row = batch::get(app, id).await?;
    let stage = match row.state.as_str() {
        "committed" => match batch::plan(&row)?.entropy {
            EntropyDeclaration::Ceremony { witnesses, digits } => Stage::Open { witnesses, digits },
            EntropyDeclaration::Drand { round, .. } => Stage::Drand { round },
        },
        "draft" | "withdrawn" => Stage::Closed(row.state.clone()),
        _ => Stage::Drawn(Box::new(record(app, &row).await?)),
    };
    Ok((row, stage))
}

/// Runs the ceremony of batch `id` with each witness's digits in declared order: draws it
/// once if every contribution is right, else says what is wrong with each. A batch drawn
/// already (before, or by a simultaneous post) is not drawn again.
pub async fn run(app: &App, id: &str, given: &[String]) -> Result<Outcome> {
    let (row, stage) = stage(app, id).await?;
    let (witnesses, digits) = match stage {
        Stage::Open { witnesses, digits } => (witnesses, digits),
        Stage::Drawn(_) => return Ok(Outcome::AlreadyDrawn),
        Stage::Drand { round } => {
            return Err(AppError::Refused(msg!(
                "批次 {id} 以 drand 第 {round} 轮的随机数摇号，不经现场摇号",
                "batch {id} draws from drand round {round}, not a ceremony"
            )));
        }
        Stage::Closed(state) => {
            let (zh, en) = super::batch::states(&state);
            return Err(AppError::Refused(msg!(
                "批次 {id} {zh}：只有已承诺的批次可以摇号",
                "batch {id} is {en}: only a committed batch is drawn"
            )));
        }
    };
    let problems: Vec<_> = witnesses
        .iter()
        .enumerate()
        .map(|(i, _)| ceremony::problem(given.get(i).map_or("", |g| g.trim()), digits))
        .collect();
    if problems.iter().any(Option::is_some) {
        return Ok(Outcome::Invalid(problems));
    }
    let text = ceremony::text(
        witnesses
            .iter()
            .zip(given)
            .map(|(w, g)| (w.as_str(), g.trim())),
    );
    match draw::draw(app, &row.id, &text).await {
        Ok(_) => Ok(Outcome::Drawn),
        // Another post drew it first (its refusal is logged by the draw).
        Err(AppError::Refused(_))
            if store::batches::get(&app.store, id)
                .await?
                .is_some_and(|b| b.seed.is_some()) =>
        {
            Ok(Outcome::AlreadyDrawn)
        }
        Err(e) => Err(e),
    }
}

/// The recorded draw of a drawn batch.
pub async fn record(app: &App, row: &BatchRow) -> Result<Record> {
    let corrupt = |what: &str| {
        AppError::Store(store::StoreError::Corrupt(format!(
            "batch {}: {what}",
            row.id
        )))
    };
    let entropy: Entropy = serde_json::from_str(row.entropy_json.as_deref().unwrap_or_default())
        .map_err(|e| corrupt(&format!("entropy: {e}")))?;
    let contributions = match entropy {
        Entropy::Ceremony { contributions } => contributions,
        Entropy::Drand { .. } => Vec::new(),
    };
    let names = officer_names(app, row).await?;
    let mut strata: Vec<(String, Vec<DrawnTarget>)> = Vec::new();
    for a in store::batches::assignments(&app.store, &row.id).await? {
        if strata.last().is_none_or(|(s, _)| *s != a.stratum) {
            strata.push((a.stratum.clone(), Vec::new()));
        }
        let team = a.team.iter().map(|card| names.label(card)).collect();
        if let Some((_, targets)) = strata.last_mut() {
            targets.push(DrawnTarget {
                uscc: a.uscc,
                name: a.entity_name,
                district: a.district,
                team,
            });
        }
    }
    Ok(Record {
        batch_id: row.id.clone(),
        title: row.title.clone(),
        commitment_hash: row.commitment_hash.clone().unwrap_or_default(),
        seed: row
            .seed
            .clone()
            .ok_or_else(|| corrupt("drawn without a seed"))?,
        bundle_sha256: row.bundle_sha256.clone().unwrap_or_default(),
        drawn_at: row.drawn_at.clone().unwrap_or_default(),
        contributions,
        strata,
    })
}

/// The officers of a batch's committed officer snapshot, by card number.
pub struct Officers(Vec<crate::domain::directory::Officer>);

impl Officers {
    /// The officer with card `card`, if the snapshot has them.
    pub fn get(&self, card: &str) -> Option<&crate::domain::directory::Officer> {
        self.0
            .binary_search_by(|o| o.card_no.as_str().cmp(card))
            .ok()
            .map(|i| &self.0[i])
    }

    /// `name（card）`, or the card alone if the snapshot lacks it.
    pub fn label(&self, card: &str) -> String {
        match self.get(card) {
            Some(o) => format!("{}（{card}）", o.name),
            None => card.to_string(),
        }
    }
}

/// The officers of batch `row`'s committed officer snapshot.
pub async fn officer_names(app: &App, row: &BatchRow) -> Result<Officers> {
    let mut officers = match row.snapshots[1] {
        Some(snapshot) => store::rows::officers(&app.store, snapshot).await?,
        None => Vec::new(),
    };
    officers.sort_by(|a, b| a.card_no.cmp(&b.card_no));
    Ok(Officers(officers))
}
