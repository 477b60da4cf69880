//! The text forms of C2SP `tlog-witness`'s `add-checkpoint`, both ways (the witness reads
//! what the client writes with the same code):
//!
//! - request body: `old <size>\n`, up to 63 consistency proof lines (standard base64 of 32
//!   bytes each), an empty line, then the signed checkpoint note;
//! - 409 body (`Content-Type: text/x.tlog.size`): the size the witness last cosigned, in
//!   decimal, and a newline;
//! - 200 body: one or more cosignature lines.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::ledger::Hash;

use super::decide::Refusal;

/// The most proof lines a request may carry (a proof over 2^63 leaves has at most 63 hashes).
pub const MAX_PROOF_LINES: usize = 63;

/// The content type of a 409 answer.
pub const SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";

/// An `add-checkpoint` request, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint<'a> {
    /// The size of the checkpoint the client believes the witness last cosigned.
    pub old_size: u64,
    /// The consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, as sent.
    pub note: &'a str,
}

impl<'a> AddCheckpoint<'a> {
    /// Reads a request body strictly: UTF-8, the `old` line in decimal without leading zeros,
    /// each proof line canonical base64 of 32 bytes, at most 63 of them. The note is only
    /// split off here; [`super::decide`] checks it.
    pub fn parse(body: &'a [u8]) -> Result<AddCheckpoint<'a>, Refusal> {
        let bad = |why: &str| Refusal::Malformed(why.to_string());
        let body = std::str::from_utf8(body).map_err(|_| bad("请求不是 UTF-8 文本"))?;
        let (head, note) = body
            .split_once("\n\n")
            .ok_or_else(|| bad("缺少 old 行、证明行之后的空行"))?;
        let mut lines = head.split('\n');
        let old = lines
            .next()
            .and_then(|l| l.strip_prefix("old "))
            .ok_or_else(|| bad("第一行应为 “old <大小>”"))?;
        let old_size = parse_size(old).ok_or_else(|| bad("old 后应为不带前导零的十进制数"))?;
        let proof = lines
            .map(|line| parse_hash(line).ok_or_else(|| bad("证明行应为 32 字节哈希的标准 base64")))
            .collect::<Result<Vec<Hash>, Refusal>>()?;
        if proof.len() > MAX_PROOF_LINES {
            return Err(bad("证明行超过 63 行"));
        }
        Ok(AddCheckpoint {
            old_size,
            proof,
            note,
        })
    }

    /// The request body: what [`AddCheckpoint::parse`] reads.
    pub fn body(&self) -> String {
        let mut body = format!("old {}\n", self.old_size);
        for hash in &self.proof {
            body.push_str(&STANDARD.encode(hash));
            body.push('\n');
        }
        body.push('\n');
        body.push_str(self.note);
        body
    }

    /// The note's first line: the log's origin, by which the witness finds the log.
    pub fn origin(&self) -> &'a str {
        self.note.split('\n').next().unwrap_or("")
    }
}

/// The body of a 409 answer: `<size>\n`.
pub fn size_body(size: u64) -> String {
    format!("{size}\n")
}

/// Reads a 409 answer's body.
pub fn parse_size_body(body: &str) -> Option<u64> {
    parse_size(body.strip_suffix('\n')?)
}

/// A decimal without leading zeros (`0` itself allowed).
fn parse_size(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    text.parse().ok().filter(|_| canonical)
}

/// Canonical standard base64 of 32 bytes.
fn parse_hash(line: &str) -> Option<Hash> {
    let hash: Hash = STANDARD.decode(line).ok()?.try_into().ok()?;
    (STANDARD.encode(hash) == line).then_some(hash)
}
