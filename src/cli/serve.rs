//! `shuangsui serve` and `shuangsui config example`: settings from flags, environment and a
//! TOML file (`web::settings`), logs with `tracing`, then the HTTP server (`web::server`).

use std::path::PathBuf;

use clap::Args;

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE};
use crate::app::App;
use crate::app::witnessing::{WitnessAt, Witnessing};
use crate::web::{self, AppState, Limits, Settings, limiter::FailedAuthLimiter};

/// Flags of `serve`; each overrides its environment variable, which overrides the file.
#[derive(Args, Debug, Clone, Default)]
pub struct ServeArgs {
    /// A settings file (TOML; `shuangsui config example` prints one).
    #[arg(long, env = "SHUANGSUI_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0: any free port).
    #[arg(long, env = "SHUANGSUI_BIND")]
    pub bind: Option<String>,
    /// sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL")]
    pub database: Option<String>,
    /// The log's signing key.
    #[arg(long, env = "SHUANGSUI_LOG_KEY")]
    pub key: Option<PathBuf>,
    /// The public address shown in "how to verify" commands.
    #[arg(long, env = "SHUANGSUI_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Reverse proxies whose X-Forwarded-For is believed: addresses or CIDR blocks,
    /// comma-separated (replaces the file's list).
    #[arg(long, env = "SHUANGSUI_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<String>>,
    /// Logs: text or json.
    #[arg(long, env = "SHUANGSUI_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// Log filter, e.g. info or warn.
    #[arg(long, env = "SHUANGSUI_LOG_FILTER")]
    pub log_filter: Option<String>,
    /// A witness to send each new checkpoint to: VKEY@http://host:port (repeatable; replaces
    /// the file's list).
    #[arg(long = "witness")]
    pub witnesses: Vec<String>,
    /// /log/checkpoint shows the newest checkpoint cosigned by at least this many witnesses.
    #[arg(long)]
    pub witness_quorum: Option<usize>,
}

impl ServeArgs {
    /// The settings: defaults, then the file, then these flags (or their variables).
    pub fn settings(&self) -> Result<Settings, String> {
        let mut s = match &self.config {
            Some(path) => Settings::from_file(path)?,
            None => Settings::default(),
        };
        if let Some(v) = &self.bind {
            s.bind = v.clone();
        }
        if let Some(v) = &self.database {
            s.database = v.clone();
        }
        if let Some(v) = &self.key {
            s.key = v.clone();
        }
        if let Some(v) = &self.public_url {
            s.public_url = v.clone();
        }
        if let Some(v) = &self.trusted_proxies {
            s.trusted_proxies = v
                .iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
        }
        if let Some(v) = &self.log_format {
            s.log_format = v.clone();
        }
        if let Some(v) = &self.log_filter {
            s.log_filter = v.clone();
        }
        if !self.witnesses.is_empty() {
            s.witnesses = self.witnesses.clone();
        }
        if let Some(v) = self.witness_quorum {
            s.witness_quorum = v;
        }
        s.check()?;
        Ok(s)
    }
}

/// Sends `tracing` events to standard error, as text or JSON lines.
pub fn init_logs(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_new(&settings.log_filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = if settings.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Serves `app` with `settings` until a shutdown signal; `before` runs once the port is
/// bound (to print addresses). Gives the exit code: 0 after a graceful stop, 2 when the
/// port cannot be bound or the server fails.
pub async fn serve_with(
    settings: &Settings,
    app: App,
    before: impl FnOnce(std::net::SocketAddr),
) -> i32 {
    match serve_or_fail(settings, app, before).await {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("{e}");
            EXIT_UNREADABLE
        }
    }
}

async fn serve_or_fail(
    settings: &Settings,
    app: App,
    before: impl FnOnce(std::net::SocketAddr),
) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(&settings.bind)
        .await
        .map_err(|e| format!("bind {}: {e}", settings.bind))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let limiter = FailedAuthLimiter::new(
        settings.auth_max_failures,
        std::time::Duration::from_secs(settings.auth_window_secs),
    );
    let mut state = AppState::new(app, limiter, &settings.public_url)
        .with_organisation(&settings.organisation)
        .with_sessions(crate::app::sign_in::Rules {
            idle_secs: settings
                .session_idle_minutes
                .saturating_mul(60)
                .min(i64::MAX as u64) as i64,
            max_secs: settings
                .session_max_hours
                .saturating_mul(3600)
                .min(i64::MAX as u64) as i64,
        });
    if !settings.witnesses.is_empty() {
        let witnesses = settings
            .witnesses
            .iter()
            .map(|w| WitnessAt::parse(w))
            .collect::<Result<Vec<_>, _>>()?;
        state = state.with_witnesses(
            Witnessing::new(witnesses, std::time::Duration::from_secs(10)),
            settings.witness_quorum,
        );
        state.witness_every(std::time::Duration::from_secs(1));
    }
    tracing::info!(%addr, database = %settings.database, "listening");
    before(addr);
    web::server::run(listener, state, Limits::from_settings(settings))
        .await
        .map_err(|e| format!("server: {e}"))
}

pub fn run(args: &ServeArgs) -> i32 {
    let settings = match args.settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_INVALID;
        }
    };
    init_logs(&settings);
    super::db::block_on(async {
        let app = match App::open(&settings.database, Some(&settings.key)).await {
            Ok(app) => app,
            Err(e) => return super::db::fail(e),
        };
        serve_with(&settings, app, |addr| {
            println!("listening on http://{addr}");
        })
        .await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_proxies_from_the_flag_replace_the_file_and_are_checked() {
        let args = ServeArgs {
            trusted_proxies: Some(vec!["10.0.0.1".into(), " 10.1.0.0/16".into(), "".into()]),
            ..ServeArgs::default()
        };
        assert_eq!(
            args.settings().unwrap().trusted_proxies,
            vec!["10.0.0.1".to_string(), "10.1.0.0/16".to_string()]
        );
        let bad = ServeArgs {
            trusted_proxies: Some(vec!["proxy.example".into()]),
            ..ServeArgs::default()
        };
        let e = bad.settings().unwrap_err();
        assert!(e.contains("proxy.example"), "{e}");
    }
}
