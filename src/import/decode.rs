//! Bytes to text: UTF-8 (with or without a BOM) is borrowed as it is; GBK, which Excel in
//! China saves as "CSV", is decoded into a new string. A byte that fits neither is one error
//! naming its line (line feeds are the same byte in both encodings, so lines are counted in
//! the raw bytes).

use std::borrow::Cow;

use crate::registry::RowError;

/// How the bytes of a file are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Encoding {
    /// UTF-8 if the bytes are UTF-8 (a UTF-8 BOM is stripped and then requires UTF-8),
    /// otherwise GBK if they decode as GBK without error.
    #[default]
    Auto,
    /// UTF-8, with or without a BOM.
    Utf8,
    /// GBK (decoded as GB 18030, its superset, as the WHATWG Encoding Standard does).
    Gbk,
}

impl Encoding {
    /// The encoding named by a CLI word: `auto`, `utf-8`/`utf8` or `gbk` (any case).
    pub fn parse(word: &str) -> Option<Encoding> {
        match word.to_ascii_lowercase().as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "gbk" => Some(Encoding::Gbk),
            _ => None,
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text of `bytes` and the encoding it was read in (`Utf8` or `Gbk`, never `Auto`).
pub fn decode<'a>(
    file: &str,
    bytes: &'a [u8],
    encoding: Encoding,
) -> Result<(Cow<'a, str>, Encoding), RowError> {
    let error = |at: usize, reason: String| RowError {
        file: file.to_string(),
        line: line_of(bytes, at),
        column: None,
        reason,
    };
    let stripped = bytes.strip_prefix(BOM);
    match (encoding, stripped) {
        (Encoding::Gbk, _) => match gbk(bytes) {
            Ok(text) => Ok((Cow::Owned(text), Encoding::Gbk)),
            Err(at) => Err(error(at, "is not GBK from this line on".into())),
        },
        (Encoding::Utf8, _) | (Encoding::Auto, Some(_)) => {
            let (text, skipped) = match stripped {
                Some(rest) => (rest, BOM.len()),
                None => (bytes, 0),
            };
            utf8(text)
                .map(|text| (Cow::Borrowed(text), Encoding::Utf8))
                .map_err(|at| {
                    let reason = match encoding {
                        Encoding::Utf8 => {
                            "is not UTF-8 from this line on (GBK? try --encoding gbk)"
                        }
                        _ => "is not UTF-8 from this line on, though it starts with a UTF-8 BOM",
                    };
                    error(skipped + at, reason.into())
                })
        }
        (Encoding::Auto, None) => match utf8(bytes) {
            Ok(text) => Ok((Cow::Borrowed(text), Encoding::Utf8)),
            Err(not_utf8) => match gbk(bytes) {
                Ok(text) => Ok((Cow::Owned(text), Encoding::Gbk)),
                Err(not_gbk) => {
                    // The encoding that reads further is the likelier one: name its line.
                    let reason = format!(
                        "is neither UTF-8 (from line {}) nor GBK (from line {})",
                        line_of(bytes, not_utf8),
                        line_of(bytes, not_gbk)
                    );
                    Err(error(not_utf8.max(not_gbk), reason))
                }
            },
        },
    }
}

/// The 1-based line of byte `at`.
fn line_of(bytes: &[u8], at: usize) -> u64 {
    let end = at.min(bytes.len());
    memchr::memchr_iter(b'\n', &bytes[..end]).count() as u64 + 1
}

/// `bytes` as UTF-8, or where they stop being UTF-8.
fn utf8(bytes: &[u8]) -> Result<&str, usize> {
    simdutf8::compat::from_utf8(bytes).map_err(|e| e.valid_up_to())
}

/// `bytes` decoded as GBK, or the offset of the first byte sequence that is not GBK.
fn gbk(bytes: &[u8]) -> Result<String, usize> {
    use encoding_rs::DecoderResult;
    let mut decoder = encoding_rs::GBK.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .ok_or(0usize)?;
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok(text),
        DecoderResult::Malformed(bad, after) => {
            Err(read.saturating_sub(bad as usize + after as usize))
        }
        // Not reached: the buffer holds the longest possible output.
        DecoderResult::OutputFull => Err(read),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk_bytes(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn utf8_is_borrowed_with_or_without_bom() {
        let text = "a,b\n养老,服务\n";
        for (bytes, encoding) in [
            (text.as_bytes().to_vec(), Encoding::Auto),
            ([BOM, text.as_bytes()].concat(), Encoding::Auto),
            ([BOM, text.as_bytes()].concat(), Encoding::Utf8),
        ] {
            let (decoded, used) = decode("f", &bytes, encoding).unwrap();
            assert!(matches!(decoded, Cow::Borrowed(_)));
            assert_eq!(decoded, text);
            assert_eq!(used, Encoding::Utf8);
        }
    }

    #[test]
    fn gbk_is_detected_or_forced() {
        let text = "名称,区\n上海市黄浦区测试养老机构,黄浦\n";
        let bytes = gbk_bytes(text);
        for encoding in [Encoding::Auto, Encoding::Gbk] {
            let (decoded, used) = decode("f", &bytes, encoding).unwrap();
            assert_eq!(decoded, text);
            assert_eq!(used, Encoding::Gbk);
        }
        let e = decode("f", &bytes, Encoding::Utf8).unwrap_err();
        assert_eq!((e.line, e.column), (1, None));
    }

    #[test]
    fn bad_bytes_name_their_line() {
        // 0xFF is neither UTF-8 nor GBK.
        let bytes = b"a,b\nc,d\ne,\xFF\n";
        let e = decode("f.csv", bytes, Encoding::Auto).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(
            e.to_string().starts_with("f.csv:3: is neither UTF-8"),
            "{e}"
        );
        let e = decode("f.csv", bytes, Encoding::Gbk).unwrap_err();
        assert_eq!(e.line, 3);
        // A BOM says UTF-8: no GBK guess after it.
        let e = decode(
            "f.csv",
            &[BOM, &gbk_bytes("a\n黄浦")].concat(),
            Encoding::Auto,
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        // A GBK lead byte cut short at the end of the file.
        let mut cut = gbk_bytes("a\nb\n黄浦");
        cut.pop();
        assert_eq!(decode("f", &cut, Encoding::Gbk).unwrap_err().line, 3);
    }

    #[test]
    fn encoding_words() {
        assert_eq!(Encoding::parse("GBK"), Some(Encoding::Gbk));
        assert_eq!(Encoding::parse("utf-8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("latin1"), None);
    }
}
