//! `user add | list | revoke | password | two-step-off`: the users of the HTTP API and the
//! console. A new user's token is printed once, on stdout; the database keeps only the
//! SHA-256 of its secret. A console password is read from standard input (or made with
//! `--generate` and printed once) and kept as an argon2id hash. `two-step-off` turns a
//! corps user's second factor off when no corps user can in the console (the only one lost
//! their phone).

use crate::app::{
    App, AppError, sign_in, totp,
    users::{self, Role},
};
use crate::msg;

#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user; prints its token once (only a hash of it is stored).
    Add {
        /// A unique name (at most 64 characters); names are never reused.
        name: String,
        /// corps, officer, auditor or reviewer (审核人员: approves or returns results).
        #[arg(long, value_parser = Role::parse)]
        role: Role,
        /// The officer's card number (执法证号) in the current officers snapshot; officers only.
        #[arg(long)]
        card: Option<String>,
    },
    /// List every user: name, role, card, when added, when revoked.
    List,
    /// Revoke a user: its token stops working, its console sessions end; the user stays
    /// listed.
    Revoke { name: String },
    /// Set a user's console password, read from standard input (one line), or made at
    /// random and printed once with --generate. Every session of the user ends.
    Password {
        name: String,
        /// Make a random password and print it once instead of reading one.
        #[arg(long)]
        generate: bool,
    },
    /// Turn a corps user's second factor (one-time codes) off, for one who lost their phone
    /// when no other corps user can in the console. Every session of the user ends.
    TwoStepOff { name: String },
}

pub fn run(command: UserCommand, db: &super::db::Db) -> i32 {
    super::db::with_app(db, async |app| execute(app, command).await)
}

/// The user named `name`, or not found.
async fn named(app: &App, name: &str) -> Result<crate::store::users::UserRow, AppError> {
    let name = name.trim();
    crate::store::users::by_name(&app.store, name)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("没有名为 {name} 的用户", "no user named '{name}'")))
}

async fn execute(app: &App, command: UserCommand) -> Result<(), AppError> {
    match command {
        UserCommand::TwoStepOff { name } => {
            let user = named(app, &name).await?;
            let now = chrono::Utc::now().timestamp();
            totp::remove(app, user.id, totp::RemovedBy::Operator, None, now).await?;
            eprintln!(
                "turned off the second factor of {} (id {}); their sessions have ended, and they sign in with their password alone",
                user.name, user.id
            );
        }
        UserCommand::Password { name, generate } => {
            let user = named(app, &name).await?;
            let password = if generate {
                sign_in::generated_password()?
            } else {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| AppError::Setup(format!("standard input: {e}")))?;
                line.trim_end_matches(['\r', '\n']).to_string()
            };
            sign_in::set_password(app, user.id, &password, sign_in::SetBy::Operator).await?;
            eprintln!(
                "set the console password of {} (id {}); their sessions have ended",
                user.name, user.id
            );
            if generate {
                eprintln!("the password, shown once (only its argon2id hash is stored):");
                println!("{password}");
            }
        }
        UserCommand::Add { name, role, card } => {
            let (user, token) = users::add(app, &name, role, card.as_deref()).await?;
            eprintln!(
                "added user {} ({}{}), id {}",
                user.name,
                user.role,
                user.card_no
                    .as_deref()
                    .map(|c| format!(", card {c}"))
                    .unwrap_or_default(),
                user.id
            );
            eprintln!(
                "its token, shown once and stored only as a hash (it cannot be shown again; revoke and add a new user if it is lost):"
            );
            println!("{token}");
        }
        UserCommand::List => {
            let all = users::list(app).await?;
            if all.is_empty() {
                eprintln!("no users yet (`shuangsui user add NAME --role ROLE`)");
            }
            println!("name\trole\tcard\tcreated\trevoked");
            for u in all {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.name,
                    u.role,
                    u.card_no.as_deref().unwrap_or("-"),
                    u.created_at,
                    u.revoked_at.as_deref().unwrap_or("-")
                );
            }
        }
        UserCommand::Revoke { name } => {
            let user = users::revoke(app, &name).await?;
            println!(
                "revoked user {} ({}) at {}",
                user.name,
                user.role,
                user.revoked_at.as_deref().unwrap_or("-")
            );
        }
    }
    Ok(())
}
