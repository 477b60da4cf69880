//! Fetching a public log over HTTP (`http://` only: everything fetched is checked against
//! the log's key and the witnesses' keys, so TLS would add privacy, not trust): the
//! checkpoint and the entry bundles holding a range of entries (C2SP tlog-tiles).

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::{Request, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::ledger::entry::MAX_ENTRY_BYTES;
use crate::ledger::tiles::{TILE_WIDTH, TileKind, TileRef};

/// The largest checkpoint read (a note with its cosignatures).
const MAX_CHECKPOINT_BYTES: usize = 1 << 20;

/// A log's public prefix (`http://host:port/log`) and a client for it.
pub struct Log {
    prefix: String,
    client: Client<HttpConnector, Empty<Bytes>>,
    timeout: Duration,
}

impl Log {
    pub fn new(prefix: &str, timeout: Duration) -> Result<Log, String> {
        let prefix = prefix.trim_end_matches('/').to_string();
        let uri: Uri = format!("{prefix}/checkpoint")
            .parse()
            .map_err(|_| format!("{prefix:?} is not an address"))?;
        if uri.scheme_str() != Some("http") || uri.host().is_none() {
            return Err(format!(
                "{prefix:?}: an http:// address of the log, e.g. http://host/log"
            ));
        }
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(timeout));
        Ok(Log {
            prefix,
            client: Client::builder(TokioExecutor::new()).build(connector),
            timeout,
        })
    }

    async fn get(&self, path: &str, max: usize) -> Result<Vec<u8>, String> {
        let url = format!("{}/{path}", self.prefix);
        let uri: Uri = url.parse().map_err(|_| format!("{url}: not an address"))?;
        let request = Request::get(uri)
            .body(Empty::new())
            .map_err(|e| format!("{url}: {e}"))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| format!("{url}: {e}"))?;
            if response.status() != StatusCode::OK {
                return Err(format!("{url}: HTTP {}", response.status()));
            }
            Limited::new(response.into_body(), max)
                .collect()
                .await
                .map(|b| b.to_bytes().to_vec())
                .map_err(|e| format!("{url}: {e}"))
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| format!("{url}: no answer within {:?}", self.timeout))?
    }

    /// The log's checkpoint note, as served.
    pub async fn checkpoint(&self) -> Result<String, String> {
        let bytes = self.get("checkpoint", MAX_CHECKPOINT_BYTES).await?;
        String::from_utf8(bytes).map_err(|_| "the checkpoint is not UTF-8".to_string())
    }

    /// The entries `range` of the tree of `size` entries, from its entry bundles.
    pub async fn entries(
        &self,
        range: std::ops::Range<u64>,
        size: u64,
    ) -> Result<Vec<Vec<u8>>, String> {
        let mut out = Vec::new();
        if range.is_empty() {
            return Ok(out);
        }
        for index in range.start / TILE_WIDTH..=(range.end - 1) / TILE_WIDTH {
            let width = (size - index * TILE_WIDTH).min(TILE_WIDTH);
            let tile = TileRef {
                kind: TileKind::Entries,
                index,
                width,
            };
            let path = format!("tile/{}", tile.path());
            let max = width as usize * (2 + MAX_ENTRY_BYTES);
            let bytes = self.get(&path, max).await?;
            let entries =
                split_bundle(&bytes).ok_or_else(|| format!("{path}: not an entry bundle"))?;
            if entries.len() as u64 != width {
                return Err(format!(
                    "{path}: {} entries, {width} expected",
                    entries.len()
                ));
            }
            let first = index * TILE_WIDTH;
            out.extend(
                entries
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| range.contains(&(first + *i as u64)))
                    .map(|(_, e)| e),
            );
        }
        Ok(out)
    }
}

/// The entries of an entry bundle (each a big-endian u16 length and its bytes).
pub fn split_bundle(mut bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (len, rest) = bytes.split_first_chunk::<2>()?;
        let len = u16::from_be_bytes(*len) as usize;
        if rest.len() < len {
            return None;
        }
        out.push(rest[..len].to_vec());
        bytes = &rest[len..];
    }
    Some(out)
}
