//! A file's bytes as CSV text: the one decoding path of `import`, the upload route,
//! `registries check` and the offline `commit`. Pure: bytes in, text out.
//!
//! What the bytes are is told by their content, not the file's name:
//! - an `.xlsx` workbook (the ZIP signature `PK\x03\x04` and the workbook's parts) is read
//!   by `xlsx`, one sheet written as CSV text;
//! - an old `.xls` workbook (the OLE signature `D0 CF 11 E0 A1 B1 1A E1`, also that of an
//!   encrypted workbook) and any other binary (a NUL byte in the first 8 KiB, as UTF-16
//!   text, images or PDF have) are refused with "请另存为 .xlsx 或 CSV UTF-8";
//! - text is UTF-8 (with or without a BOM), borrowed as it is, or GBK, which Excel in China
//!   saves as "CSV", decoded into a new string. A byte that fits neither is one error naming
//!   its line (line feeds are the same byte in both encodings, so lines are counted in the
//!   raw bytes).

use std::borrow::Cow;

use super::error::RowError;
use super::{split, xlsx};

/// How the bytes of a text file are to be read (a workbook is recognised whatever is asked).
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

/// How a file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadAs {
    Utf8,
    Gbk,
    Xlsx,
}

impl ReadAs {
    /// The word kept with a snapshot: `utf8`, `gbk` or `xlsx`.
    pub fn word(self) -> &'static str {
        match self {
            ReadAs::Utf8 => "utf8",
            ReadAs::Gbk => "gbk",
            ReadAs::Xlsx => "xlsx",
        }
    }
}

/// A file as CSV text: a header line, then one line per row.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text (UTF-8 input borrowed; GBK and workbooks converted).
    pub text: Cow<'a, str>,
    pub read_as: ReadAs,
    /// What messages call the source: the file's name, or `file[sheet]` for a workbook
    /// (whose lines are then the sheet's row numbers).
    pub label: String,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";
const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// How much of a file is looked at for a NUL byte.
const SNIFF: usize = 8 << 10;

/// `bytes`, the content of `file`, as CSV text. `table` (e.g. `entities`) chooses a
/// workbook's sheet. Every problem names `file` (and a workbook's sheet, row and column).
pub fn decode<'a>(
    file: &str,
    bytes: &'a [u8],
    encoding: Encoding,
    table: &str,
) -> Result<Decoded<'a>, Vec<RowError>> {
    let whole = |reason: &str| {
        vec![RowError {
            file: file.to_string(),
            line: 0,
            column: None,
            reason: reason.to_string(),
        }]
    };
    if bytes.starts_with(ZIP) {
        let (text, label) = xlsx::to_csv(file, bytes, table)?;
        return Ok(Decoded {
            text: Cow::Owned(text),
            read_as: ReadAs::Xlsx,
            label,
        });
    }
    if bytes.starts_with(OLE) {
        return Err(whole(
            "是旧版 Excel 工作簿（.xls）或加密的文件，无法读取：请另存为 .xlsx 或 CSV UTF-8 \
             (an old .xls workbook or an encrypted file: save it as .xlsx or CSV UTF-8)",
        ));
    }
    if memchr::memchr(0, &bytes[..bytes.len().min(SNIFF)]).is_some() {
        return Err(whole(
            "不是文本表格，也不是 .xlsx 工作簿：请另存为 .xlsx 或 CSV UTF-8 \
             (a binary file, neither CSV text nor an .xlsx workbook: save it as .xlsx or CSV UTF-8)",
        ));
    }
    let (text, read_as) = text(file, bytes, encoding).map_err(|e| vec![e])?;
    Ok(Decoded {
        text,
        read_as,
        label: file.to_string(),
    })
}

/// The text of `bytes` and the encoding it was read in.
fn text<'a>(
    file: &str,
    bytes: &'a [u8],
    encoding: Encoding,
) -> Result<(Cow<'a, str>, ReadAs), RowError> {
    let error = |at: usize, reason: String| RowError {
        file: file.to_string(),
        line: line_of(bytes, at),
        column: None,
        reason,
    };
    let stripped = bytes.strip_prefix(BOM);
    match (encoding, stripped) {
        (Encoding::Gbk, _) => match gbk(bytes) {
            Ok(text) => Ok((Cow::Owned(text), ReadAs::Gbk)),
            Err(at) => Err(error(
                at,
                "从这一行起不是 GBK 编码 / is not GBK from this line on".into(),
            )),
        },
        (Encoding::Utf8, _) | (Encoding::Auto, Some(_)) => {
            let (text, skipped) = match stripped {
                Some(rest) => (rest, BOM.len()),
                None => (bytes, 0),
            };
            utf8(text)
                .map(|text| (Cow::Borrowed(text), ReadAs::Utf8))
                .map_err(|at| {
                    let reason = match encoding {
                        Encoding::Utf8 => {
                            "从这一行起不是 UTF-8 编码（可能是 GBK，请选 GBK） / is not UTF-8 from this line on (GBK? try --encoding gbk)"
                        }
                        _ => {
                            "从这一行起不是 UTF-8 编码，虽然文件以 UTF-8 BOM 开头 / is not UTF-8 from this line on, though it starts with a UTF-8 BOM"
                        }
                    };
                    error(skipped + at, reason.into())
                })
        }
        (Encoding::Auto, None) => match utf8(bytes) {
            Ok(text) => Ok((Cow::Borrowed(text), ReadAs::Utf8)),
            Err(not_utf8) => match gbk(bytes) {
                Ok(text) => Ok((Cow::Owned(text), ReadAs::Gbk)),
                Err(not_gbk) => {
                    // The encoding that reads further is the likelier one: name its line.
                    let reason = format!(
                        "既不是 UTF-8（第 {0} 行起）也不是 GBK（第 {1} 行起）：请另存为 .xlsx 或 CSV UTF-8 / \
                         is neither UTF-8 (from line {0}) nor GBK (from line {1}): save it as .xlsx or CSV UTF-8",
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
    match utf8_valid_up_to(bytes) {
        // SAFETY: checked to be UTF-8 throughout, just above.
        None => Ok(unsafe { std::str::from_utf8_unchecked(bytes) }),
        Some(at) => Err(at),
    }
}

/// Where `bytes` stop being UTF-8, or `None` if they are UTF-8 throughout. `simdutf8`
/// checks several times faster than the standard library on Chinese text; a large file is
/// checked in two halves on two threads, split before a byte that starts a character, so
/// the answer is the one for the whole file.
fn utf8_valid_up_to(bytes: &[u8]) -> Option<usize> {
    let check = |b: &[u8]| {
        simdutf8::compat::from_utf8(b)
            .err()
            .map(|e| e.valid_up_to())
    };
    let middle = bytes.len() / 2;
    let cut = match bytes[middle..].iter().position(|&b| b & 0xC0 != 0x80) {
        Some(i) if bytes.len() >= split::MIN_SPLIT => middle + i,
        _ => return check(bytes),
    };
    let (first, second) = bytes.split_at(cut);
    let (a, b) = std::thread::scope(|s| {
        let b = s.spawn(|| check(second));
        (check(first), b.join().expect("UTF-8 checking thread"))
    });
    a.or(b.map(|i| cut + i))
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

    fn one(errors: Vec<RowError>) -> RowError {
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.into_iter().next().unwrap()
    }

    fn read(bytes: &[u8], encoding: Encoding) -> Result<Decoded<'_>, RowError> {
        decode("f.csv", bytes, encoding, "entities").map_err(one)
    }

    #[test]
    fn utf8_is_borrowed_with_or_without_bom() {
        let text = "a,b\n养老,服务\n";
        for (bytes, encoding) in [
            (text.as_bytes().to_vec(), Encoding::Auto),
            ([BOM, text.as_bytes()].concat(), Encoding::Auto),
            ([BOM, text.as_bytes()].concat(), Encoding::Utf8),
        ] {
            let decoded = read(&bytes, encoding).unwrap();
            assert!(matches!(decoded.text, Cow::Borrowed(_)));
            assert_eq!(decoded.text, text);
            assert_eq!(
                (decoded.read_as, decoded.label.as_str()),
                (ReadAs::Utf8, "f.csv")
            );
        }
    }

    #[test]
    fn gbk_is_detected_or_forced() {
        let text = "名称,区\n上海市黄浦区测试养老机构,黄浦\n";
        let bytes = gbk_bytes(text);
        for encoding in [Encoding::Auto, Encoding::Gbk] {
            let decoded = read(&bytes, encoding).unwrap();
            assert_eq!(decoded.text, text);
            assert_eq!(decoded.read_as, ReadAs::Gbk);
        }
        let e = read(&bytes, Encoding::Utf8).unwrap_err();
        assert_eq!((e.line, e.column), (1, None));
    }

    #[test]
    fn bad_bytes_name_their_line() {
        // 0xFF is neither UTF-8 nor GBK.
        let bytes = b"a,b\nc,d\ne,\xFF\n";
        let e = read(bytes, Encoding::Auto).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.to_string().starts_with("f.csv:3: 既不是 UTF-8"), "{e}");
        let e = read(bytes, Encoding::Gbk).unwrap_err();
        assert_eq!(e.line, 3);
        // A BOM says UTF-8: no GBK guess after it.
        let bom_gbk = [BOM, &gbk_bytes("a\n黄浦")].concat();
        assert_eq!(read(&bom_gbk, Encoding::Auto).unwrap_err().line, 2);
        // A GBK lead byte cut short at the end of the file.
        let mut cut = gbk_bytes("a\nb\n黄浦");
        cut.pop();
        assert_eq!(read(&cut, Encoding::Gbk).unwrap_err().line, 3);
    }

    #[test]
    fn xls_and_other_binaries_are_refused_by_content_in_chinese() {
        let xls = [OLE, &[0u8; 600][..]].concat();
        let utf16 = b"\xFF\xFEu\0s\0c\0c\0";
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        for (bytes, what) in [(&xls[..], ".xls"), (utf16, "不是文本"), (png, "不是文本")] {
            // Whatever the encoding asked for, and whatever the file is called.
            for encoding in [Encoding::Auto, Encoding::Utf8, Encoding::Gbk] {
                let e = read(bytes, encoding).unwrap_err();
                assert_eq!((e.line, e.column.as_deref()), (0, None));
                let shown = e.to_string();
                assert!(shown.starts_with("f.csv: "), "{shown}");
                assert!(shown.contains(what), "{shown}");
                assert!(shown.contains("请另存为 .xlsx 或 CSV UTF-8"), "{shown}");
            }
        }
    }

    #[test]
    fn a_workbook_is_recognised_by_content() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook.add_worksheet().write_string(0, 0, "uscc").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        for encoding in [Encoding::Auto, Encoding::Gbk] {
            let decoded = decode("e.csv", &bytes, encoding, "entities").unwrap();
            assert_eq!(decoded.text, "uscc\n");
            assert_eq!(decoded.read_as, ReadAs::Xlsx);
            assert_eq!(decoded.label, "e.csv[Sheet1]");
        }
    }

    #[test]
    fn encoding_words() {
        assert_eq!(Encoding::parse("GBK"), Some(Encoding::Gbk));
        assert_eq!(Encoding::parse("utf-8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("latin1"), None);
    }

    #[test]
    fn split_utf8_check_finds_what_a_whole_check_finds() {
        let text = "统一社会信用代码,养老机构\n".repeat(300_000);
        let bytes = text.as_bytes();
        assert!(bytes.len() >= split::MIN_SPLIT);
        assert_eq!(utf8_valid_up_to(bytes), None);
        // A bad byte in either half, at a character boundary and inside a character.
        for at in [
            10,
            bytes.len() / 2 - 1,
            bytes.len() / 2,
            bytes.len() / 2 + 1,
            bytes.len() - 2,
        ] {
            let mut bad = bytes.to_vec();
            bad[at] = 0xFF;
            let expected = std::str::from_utf8(&bad).unwrap_err().valid_up_to();
            assert_eq!(utf8_valid_up_to(&bad), Some(expected), "bad byte at {at}");
        }
        // A character cut short just before the middle.
        let mut cut = bytes.to_vec();
        let middle = cut.len() / 2;
        let start = (0..middle).rev().find(|&i| cut[i] & 0xC0 == 0xC0).unwrap();
        cut[start + 1] = b'a';
        let expected = std::str::from_utf8(&cut).unwrap_err().valid_up_to();
        assert_eq!(utf8_valid_up_to(&cut), Some(expected));
    }
}
