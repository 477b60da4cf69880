//! Server settings: flags over environment variables (both in `cli::serve`) over a TOML
//! file (`--config`) over the defaults here. `shuangsui config example` prints
//! [`EXAMPLE`], which parses to the defaults (tested).

use std::path::PathBuf;

use serde::Deserialize;

/// Every setting of `shuangsui serve`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub bind: String,
    pub database: String,
    pub key: PathBuf,
    /// The site's public address, used in "how to verify" commands; empty: relative.
    pub public_url: String,
    /// The corps' name as printed at the head of its notices (检查通知书); empty: none.
    pub organisation: String,
    pub request_timeout_secs: u64,
    /// A connection whose request head has not arrived within this is closed.
    pub header_timeout_secs: u64,
    /// Open connections at once, in all; more wait in the kernel's queue.
    pub max_connections: usize,
    /// Open connections at once from one address (trusted proxies excepted); more are
    /// closed at once.
    pub max_connections_per_address: usize,
    /// Reverse proxies (addresses or CIDR blocks) whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<String>,
    /// Where uploads are spooled while they arrive; empty: the system's temporary folder.
    pub upload_dir: PathBuf,
    pub body_limit_bytes: usize,
    pub upload_limit_bytes: usize,
    pub auth_max_failures: u32,
    pub auth_window_secs: u64,
    /// A console session ends after this many minutes without a request…
    pub session_idle_minutes: u64,
    /// …and this many hours after sign-in, however busy.
    pub session_max_hours: u64,
    /// `text` or `json`.
    pub log_format: String,
    /// A `tracing` filter, e.g. `info` or `shuangsui=debug,tower_http=info`.
    pub log_filter: String,
    /// Witnesses to send each new checkpoint to, as `VKEY@http://host:port`.
    pub witnesses: Vec<String>,
    /// `/log/checkpoint` shows the newest checkpoint cosigned by at least this many of them.
    pub witness_quorum: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            bind: "127.0.0.1:8080".into(),
            database: crate::store::DEFAULT_URL.into(),
            key: PathBuf::from("shuangsui-log.key"),
            public_url: String::new(),
            organisation: String::new(),
            request_timeout_secs: 30,
            header_timeout_secs: 10,
            max_connections: 1024,
            max_connections_per_address: 64,
            trusted_proxies: Vec::new(),
            upload_dir: PathBuf::new(),
            body_limit_bytes: 64 * 1024,
            upload_limit_bytes: 512 * 1024 * 1024,
            auth_max_failures: 10,
            auth_window_secs: 300,
            session_idle_minutes: 30,
            session_max_hours: 12,
            log_format: "text".into(),
            log_filter: "info".into(),
            witnesses: Vec::new(),
            witness_quorum: 0,
        }
    }
}

/// A commented settings file with every default.
pub const EXAMPLE: &str = r#"# shuangsui serve: settings file (pass with --config FILE or SHUANGSUI_CONFIG).
# Flags and environment variables override what is here; every line is optional.

# Address to listen on (SHUANGSUI_BIND, --bind). Port 0 picks a free port.
bind = "127.0.0.1:8080"

# sqlite://FILE or postgres://USER@HOST/DB (DATABASE_URL, --database).
database = "sqlite://shuangsui.db"

# The log's signing key, written by `shuangsui init` (SHUANGSUI_LOG_KEY, --key).
key = "shuangsui-log.key"

# The site's public address, shown in the "how to verify" commands; empty for paths only.
public_url = ""

# The corps' name, printed at the head of the console's inspection notices (检查通知书),
# e.g. "上海市民政局执法总队"; empty: the notices name no issuer above their title.
organisation = ""

# A request that takes longer is answered 408.
request_timeout_secs = 30

# A connection must send its request head (the request line and headers) within this
# many seconds, and again for each further request on it, or it is closed.
header_timeout_secs = 10

# Connections open at once: in all (more wait in the kernel's queue until one closes;
# keep this below the process's open-file limit, `ulimit -n`) and from one client address
# (more are closed at once; trusted proxies are exempt).
max_connections = 1024
max_connections_per_address = 64

# Reverse proxies in front of this server, as addresses or CIDR blocks, e.g.
# ["127.0.0.1", "10.0.0.0/8"]. Only for a connection from one of these is the client's
# address taken from X-Forwarded-For (the right-most address that is not itself a trusted
# proxy); otherwise the socket's address counts and the header is ignored.
trusted_proxies = []

# Uploads are written here while they arrive, then imported and deleted. Empty: the
# system's temporary folder (TMPDIR); choose a disk, not a RAM-backed /tmp, for big files.
upload_dir = ""

# Largest request body, except directory uploads.
body_limit_bytes = 65536

# Largest directory upload (an entities file of a million rows is about 150 MB).
upload_limit_bytes = 536870912

# After this many failed tokens from one client address within the window, further
# failed tokens from it are answered 429 until the window has passed. A valid token is
# always accepted: failures cannot lock out a real user. Failed console sign-ins count
# too; past the limit, sign-ins from that address are refused unchecked until the window
# has passed (a password can be guessed, a token cannot), while the account stays open to
# every other address.
auth_max_failures = 10
auth_window_secs = 300

# A console session (a person signed in with a password) ends after this many minutes
# without a request, and this many hours after sign-in. Its cookie is HttpOnly and
# SameSite=Strict, and Secure when public_url starts with https://.
session_idle_minutes = 30
session_max_hours = 12

# Logs on standard error: "text" or "json"; filter as for RUST_LOG.
log_format = "text"
log_filter = "info"

# Witnesses (a notary office, a discipline body) that cosign each new checkpoint if it is
# consistent with the last one they cosigned, as ["VKEY@http://host:port", …] (--witness,
# repeatable). A witness that is down does not stop writes. /log/checkpoint shows the
# newest checkpoint cosigned by at least witness_quorum of them (--witness-quorum; 0: the
# newest checkpoint, with whatever cosignatures it has).
witnesses = []
witness_quorum = 0
"#;

impl Settings {
    /// Reads a settings file; an error names the file and the bad key.
    pub fn from_file(path: &std::path::Path) -> Result<Settings, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Settings::from_toml(&path.display().to_string(), &text)
    }

    pub fn from_toml(name: &str, text: &str) -> Result<Settings, String> {
        let settings: Settings = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        settings.check().map_err(|e| format!("{name}: {e}"))?;
        Ok(settings)
    }

    /// Values that parse but cannot work.
    pub fn check(&self) -> Result<(), String> {
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(format!("log_format '{}': text or json", self.log_format));
        }
        if self.request_timeout_secs == 0 {
            return Err("request_timeout_secs must be at least 1".into());
        }
        if self.header_timeout_secs == 0 {
            return Err("header_timeout_secs must be at least 1".into());
        }
        if self.max_connections == 0 || self.max_connections_per_address == 0 {
            return Err(
                "max_connections and max_connections_per_address must be at least 1".into(),
            );
        }
        super::client::TrustedProxies::parse(&self.trusted_proxies)?;
        if self.auth_max_failures == 0 || self.auth_window_secs == 0 {
            return Err("auth_max_failures and auth_window_secs must be at least 1".into());
        }
        if self.session_idle_minutes == 0
            || self.session_max_hours == 0
            || self.session_max_hours > 24 * 366
            || self.session_idle_minutes > self.session_max_hours * 60
        {
            return Err("session_idle_minutes must be at least 1 and at most session_max_hours × 60, session_max_hours from 1 to 8784".into());
        }
        for w in &self.witnesses {
            crate::app::witnessing::WitnessAt::parse(w).map_err(|e| format!("witnesses: {e}"))?;
        }
        if self.witness_quorum > self.witnesses.len() {
            return Err(format!(
                "witness_quorum {} is more than the {} witnesses given",
                self.witness_quorum,
                self.witnesses.len()
            ));
        }
        if self.bind.parse::<std::net::SocketAddr>().is_err() {
            return Err(format!(
                "bind '{}': an address such as 127.0.0.1:8080",
                self.bind
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_the_defaults() {
        assert_eq!(
            Settings::from_toml("example", EXAMPLE).unwrap(),
            Settings::default()
        );
    }

    #[test]
    fn a_bad_setting_is_named() {
        let e = Settings::from_toml("s.toml", "bind = \"nowhere\"").unwrap_err();
        assert!(e.contains("s.toml") && e.contains("bind"), "{e}");
        let e = Settings::from_toml("s.toml", "colour = 1").unwrap_err();
        assert!(e.contains("colour"), "{e}");
        let e = Settings::from_toml("s.toml", "log_format = \"xml\"").unwrap_err();
        assert!(e.contains("log_format"), "{e}");
        let e = Settings::from_toml("s.toml", "trusted_proxies = [\"10.0.0.0/33\"]").unwrap_err();
        assert!(
            e.contains("trusted_proxies") && e.contains("10.0.0.0/33"),
            "{e}"
        );
        let e = Settings::from_toml("s.toml", "header_timeout_secs = 0").unwrap_err();
        assert!(e.contains("header_timeout_secs"), "{e}");
    }
}
