//! Splitting a CSV body into pieces that start at record boundaries, so that large files
//! are parsed on several threads. A line feed ends a record exactly when it is outside
//! quotes, i.e. when an even number of `"` precede it (RFC 4180 escapes `"` by doubling it).

/// Below this many bytes a body is not split.
pub const MIN_SPLIT: usize = 4 << 20;

/// A piece of the body and the 1-based line number of its first line in the whole file.
pub struct Piece<'a> {
    pub bytes: &'a [u8],
    pub first_line: u64,
}

/// Splits `body` (whose first line is line `first_line` of the file) into at most `n`
/// pieces at record boundaries; a body with no safe split point stays whole.
pub fn split(body: &[u8], first_line: u64, n: usize) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut line = first_line;
    let mut quotes_before = 0usize;
    for k in 1..n {
        let target = body.len() * k / n;
        if body.len() < MIN_SPLIT || target <= start {
            break;
        }
        quotes_before += count(&body[start..target], b'"');
        let Some(cut) = boundary_after(body, target, quotes_before).filter(|&c| c < body.len())
        else {
            break;
        };
        quotes_before += count(&body[target..cut], b'"');
        pieces.push(Piece {
            bytes: &body[start..cut],
            first_line: line,
        });
        line += count(&body[start..cut], b'\n') as u64;
        start = cut;
    }
    pieces.push(Piece {
        bytes: &body[start..],
        first_line: line,
    });
    pieces
}

/// How many times `b` occurs in `bytes` (memchr: several bytes at a time).
pub fn count(bytes: &[u8], b: u8) -> usize {
    memchr::memchr_iter(b, bytes).count()
}

/// The index just after the first line feed at or after `from` that is outside quotes.
fn boundary_after(body: &[u8], from: usize, quotes_before: usize) -> Option<usize> {
    let mut inside = quotes_before % 2 == 1;
    for (i, &b) in body[from..].iter().enumerate() {
        match b {
            b'"' => inside = !inside,
            b'\n' if !inside => return Some(from + i + 1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &[u8]) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn pieces_parse_to_the_same_records_and_lines() {
        // Quoted fields with line feeds and doubled quotes straddle the split points.
        let mut body = Vec::new();
        for i in 0..400_000 {
            if i % 7 == 0 {
                body.extend_from_slice(format!("{i},\"a \"\"quoted\"\"\nline\",x\n").as_bytes());
            } else {
                body.extend_from_slice(format!("{i},plain,x\n").as_bytes());
            }
        }
        let pieces = split(&body, 2, 2);
        assert_eq!(pieces.len(), 2, "a 4 MiB body is split");
        let mut joined = Vec::new();
        for p in &pieces {
            joined.extend(records(p.bytes));
        }
        assert_eq!(joined, records(&body));
        let lines_before = count(pieces[0].bytes, b'\n') as u64;
        assert_eq!(pieces[1].first_line, 2 + lines_before);
    }

    #[test]
    fn small_or_unsplittable_bodies_stay_whole() {
        assert_eq!(split(b"a,b\n", 2, 2).len(), 1);
        let one_quoted = [b"\"".as_slice(), &vec![b'\n'; MIN_SPLIT], b"\"\n"].concat();
        let pieces = split(&one_quoted, 2, 2);
        assert_eq!(
            pieces.len(),
            1,
            "no line feed outside quotes before the end"
        );
    }
}
