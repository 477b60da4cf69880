//! `shuangsui witness init|key|serve`: a witness's key file and its server (C2SP
//! `tlog-witness`). The decision and the state are `witness`'s, the routes `web::witness`'s.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand};

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE};
use crate::ledger::VerifierKey;
use crate::web::{self, Limits, Settings};
use crate::witness::WitnessKey;
use crate::witness::service::Witness;

/// The witness's commands.
#[derive(Subcommand)]
pub enum WitnessCommand {
    /// Make a witness's cosigning key (mode 0600, never over an existing file) and print its
    /// verifier key, which logs and their clients are configured with.
    Init {
        /// The witness's name, a schema-less URL such as `notary.example/witness`.
        #[arg(long)]
        name: String,
        /// Where to write the key.
        #[arg(long)]
        key: PathBuf,
    },
    /// Print the verifier key of a witness's key file.
    Key {
        #[arg(long)]
        key: PathBuf,
    },
    /// Serve POST /add-checkpoint (and GET /<origin hash>/checkpoint) until Ctrl-C.
    Serve(ServeArgs),
}

/// Flags of `witness serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The witness's key file (`witness init`).
    #[arg(long)]
    key: PathBuf,
    /// Address to listen on, e.g. 127.0.0.1:7380 (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:7380")]
    bind: String,
    /// The verifier key of a log to witness (`shuangsui log key`); its name is the log's
    /// origin. Repeat for more logs, or for a log's second key during a rotation.
    #[arg(long = "log", required = true, num_args = 1..)]
    logs: Vec<String>,
    /// The state folder (one file per log); default: the key file's path with `.state`.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Logs: text or json.
    #[arg(long, default_value = "text")]
    log_format: String,
    /// Log filter, e.g. info or warn.
    #[arg(long, default_value = "info")]
    log_filter: String,
}

/// Runs a `witness` command.
pub fn run(command: WitnessCommand) -> i32 {
    match command {
        WitnessCommand::Init { name, key } => init(&name, &key),
        WitnessCommand::Key { key } => match read_key(&key) {
            Ok(k) => {
                println!("{}", k.verifier());
                EXIT_OK
            }
            Err(e) => {
                eprintln!("{e}");
                EXIT_UNREADABLE
            }
        },
        WitnessCommand::Serve(args) => serve(&args),
    }
}

fn init(name: &str, path: &Path) -> i32 {
    let key = match WitnessKey::generate(name) {
        Ok(key) => key,
        Err(e) => {
            eprintln!("见证人名称无效：{e}");
            return EXIT_INVALID;
        }
    };
    if let Err(e) = crate::keyfile::write_new(path, &key.to_file_text()) {
        let why = if e.kind() == std::io::ErrorKind::AlreadyExists {
            "文件已存在，不予覆盖".to_string()
        } else {
            e.to_string()
        };
        eprintln!("{}：无法写入见证人密钥：{why}", path.display());
        return EXIT_UNREADABLE;
    }
    eprintln!(
        "见证人密钥已写入 {}（仅所有者可读，请妥善保管）；其公钥（交给日志与核验者）：",
        path.display()
    );
    println!("{}", key.verifier());
    EXIT_OK
}

fn read_key(path: &Path) -> Result<WitnessKey, String> {
    let text = crate::keyfile::read(path)
        .map_err(|e| format!("{}：无法读取见证人密钥：{e}", path.display()))?;
    WitnessKey::from_file_text(&text)
        .map_err(|e| format!("{}：不是见证人密钥：{e}", path.display()))
}

/// The default state folder: `FILE.state` beside the key file `FILE`.
fn default_state(key: &Path) -> PathBuf {
    let mut name = key.as_os_str().to_owned();
    name.push(".state");
    PathBuf::from(name)
}

fn serve(args: &ServeArgs) -> i32 {
    let settings = Settings {
        log_format: args.log_format.clone(),
        log_filter: args.log_filter.clone(),
        bind: args.bind.clone(),
        ..Settings::default()
    };
    super::serve::init_logs(&settings);
    let mut logs = Vec::new();
    for text in &args.logs {
        match VerifierKey::parse(text) {
            Ok(k) => logs.push(k),
            Err(e) => {
                eprintln!("--log {text}：不是日志公钥：{e}");
                return EXIT_INVALID;
            }
        }
    }
    let key = match read_key(&args.key) {
        Ok(key) => key,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_UNREADABLE;
        }
    };
    let state = args
        .state
        .clone()
        .unwrap_or_else(|| default_state(&args.key));
    let witness = match Witness::open(key, &logs, &state) {
        Ok(w) => Arc::new(w),
        Err(e) => {
            eprintln!("{e}");
            return EXIT_UNREADABLE;
        }
    };
    super::db::block_on(async move {
        let listener = match tokio::net::TcpListener::bind(&settings.bind).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("无法监听 {}：{e}", settings.bind);
                return EXIT_UNREADABLE;
            }
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => {
                eprintln!("{e}");
                return EXIT_UNREADABLE;
            }
        };
        match witness.logs() {
            Ok(logs) => {
                for (origin, size) in logs {
                    tracing::info!(origin = ?origin, size, "witnessing");
                }
            }
            Err(e) => tracing::warn!(error = %e, "state not readable"),
        }
        tracing::info!(%addr, witness = %witness.verifier(), state = %state.display(), "listening");
        println!("listening on http://{addr}");
        let limits = Limits::from_settings(&settings);
        let app = web::witness::router(witness, &limits);
        match web::server::serve(listener, app, &limits, web::server::shutdown_signal()).await {
            Ok(()) => {
                tracing::info!("stopped");
                EXIT_OK
            }
            Err(e) => {
                eprintln!("server: {e}");
                EXIT_UNREADABLE
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_folder_defaults_to_beside_the_key() {
        assert_eq!(
            default_state(Path::new("/srv/w/witness.key")),
            PathBuf::from("/srv/w/witness.key.state")
        );
    }
}
