//! The log as C2SP `tlog-tiles`: hash tiles and entry bundles, and their paths.
//!
//! - A **tile** at level L, index N holds up to 256 hashes: those of the complete subtrees of
//!   2^(8·L) leaves numbered N·256, N·256 + 1, …; a full tile holds 256, a partial one (path
//!   suffix `.p/<W>`) the W < 256 that exist at the tree size served.
//! - An **entry bundle** (`tile/entries/N`) holds the entries N·256 … in order, each as a
//!   two-byte big-endian length and its bytes (hence `entry::MAX_ENTRY_BYTES`).
//! - N is written in groups of three digits, all but the last prefixed with `x`:
//!   1234067 → `x001/x234/067`.
//!
//! Full tiles never change; a partial tile of width W is a prefix of every later one. Pure.

use super::tree::{Hash, Tree};

/// Hashes (or entries) per full tile: 2^8.
pub const TILE_WIDTH: u64 = 256;

/// What a tile path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileKind {
    /// A hash tile of this level.
    Hashes(u8),
    /// An entry bundle.
    Entries,
}

/// A tile: its kind, index, and width (256 for a full tile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileRef {
    pub kind: TileKind,
    pub index: u64,
    pub width: u64,
}

/// The highest level a path may name: level 7 tiles already cover 2^64 leaves.
const MAX_LEVEL: u8 = 7;

impl TileRef {
    /// Parses the part of a path after `tile/`: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`,
    /// in the one spelling the spec gives (no leading zero groups, W in 1…255). `None` for
    /// anything else.
    pub fn parse(path: &str) -> Option<TileRef> {
        let (kind, rest) = path.split_once('/')?;
        let kind = match kind {
            "entries" => TileKind::Entries,
            level => {
                let l: u8 = level.parse().ok()?;
                if l > MAX_LEVEL || level != l.to_string() {
                    return None;
                }
                TileKind::Hashes(l)
            }
        };
        let (index_part, width) = match rest.split_once(".p/") {
            Some((index, w)) => {
                let width: u64 = w.parse().ok()?;
                if !(1..TILE_WIDTH).contains(&width) || w != width.to_string() {
                    return None;
                }
                (index, width)
            }
            None => (rest, TILE_WIDTH),
        };
        let mut index: u64 = 0;
        let groups: Vec<&str> = index_part.split('/').collect();
        for (i, group) in groups.iter().enumerate() {
            let digits = if i + 1 < groups.len() {
                group.strip_prefix('x')?
            } else {
                group
            };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            index = index.checked_mul(1000)?.checked_add(digits.parse().ok()?)?;
        }
        let tile = TileRef { kind, index, width };
        (tile.path() == path).then_some(tile)
    }

    /// The tile's path below `tile/`.
    pub fn path(&self) -> String {
        let kind = match self.kind {
            TileKind::Hashes(l) => l.to_string(),
            TileKind::Entries => "entries".to_string(),
        };
        let mut path = format!("{kind}/{}", index_path(self.index));
        if self.width < TILE_WIDTH {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    /// Whether the tile is full (never changes).
    pub fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// The hashes (`Hashes`) or leaves (`Entries`) it covers at level `level`: a range of
    /// indices among the complete subtrees of that level.
    fn span(&self) -> std::ops::Range<u64> {
        let start = self.index * TILE_WIDTH;
        start..start + self.width
    }

    /// Whether the tile exists in the tree of `size` leaves: its last hash (or entry) is
    /// there.
    pub fn exists_at(&self, size: u64) -> bool {
        let height = match self.kind {
            TileKind::Hashes(l) => 8 * u32::from(l),
            TileKind::Entries => 0,
        };
        let available = size.checked_shr(height).unwrap_or(0);
        self.index
            .checked_mul(TILE_WIDTH)
            .and_then(|s| s.checked_add(self.width))
            .is_some_and(|end| end <= available)
    }

    /// The range of entries an entry bundle holds.
    pub fn entries(&self) -> std::ops::Range<u64> {
        self.span()
    }
}

/// `N` in groups of three digits, all but the last prefixed with `x`.
pub fn index_path(index: u64) -> String {
    let digits = format!("{index:03}");
    let pad = (3 - digits.len() % 3) % 3;
    let padded = format!("{}{digits}", "0".repeat(pad));
    let groups: Vec<&str> = padded
        .as_bytes()
        .chunks(3)
        .map(|c| std::str::from_utf8(c).unwrap_or("000"))
        .collect();
    let last = groups.len() - 1;
    groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            if i < last {
                format!("x{g}")
            } else {
                g.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The bytes of hash tile `tile` of `tree`: its hashes, 32 bytes each. `None` if the tree
/// does not hold it (yet) or `tile` is an entry bundle.
pub fn hash_tile(tree: &Tree, tile: &TileRef) -> Option<Vec<u8>> {
    let TileKind::Hashes(level) = tile.kind else {
        return None;
    };
    if !tile.exists_at(tree.len()) {
        return None;
    }
    let row = tree.level(8 * u32::from(level))?;
    let span = tile.span();
    let hashes: &[Hash] = row.get(span.start as usize..span.end as usize)?;
    Some(hashes.concat())
}

/// An entry bundle of these entries: each as a big-endian u16 length and its bytes. `None`
/// if an entry is longer than a bundle can say.
pub fn entry_bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for entry in entries {
        let len = u16::try_from(entry.len()).ok()?;
        out.extend(len.to_be_bytes());
        out.extend(entry);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_the_specs() {
        assert_eq!(index_path(1234067), "x001/x234/067");
        assert_eq!(index_path(0), "000");
        assert_eq!(index_path(67), "067");
        assert_eq!(index_path(1000), "x001/000");
        let t = TileRef::parse("0/x001/x234/067").unwrap();
        assert_eq!(
            t,
            TileRef {
                kind: TileKind::Hashes(0),
                index: 1234067,
                width: 256
            }
        );
        let p = TileRef::parse("entries/x001/000.p/17").unwrap();
        assert_eq!((p.kind, p.index, p.width), (TileKind::Entries, 1000, 17));
        assert_eq!(p.path(), "entries/x001/000.p/17");
        for bad in [
            "0/67",
            "0/x000/067",
            "00/000",
            "8/000",
            "0/000.p/0",
            "0/000.p/256",
            "0/000.p/07",
            "0/000/",
            "0/x1/000",
            "e/000",
            "0/000.p/",
            "0/x018/x446/x744/x073/x709/x551/616",
        ] {
            assert_eq!(TileRef::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn tiles_exist_once_their_last_hash_does() {
        let full = TileRef::parse("0/000").unwrap();
        assert!(!full.exists_at(255) && full.exists_at(256));
        let level1 = TileRef::parse("1/000.p/1").unwrap();
        assert!(!level1.exists_at(255) && level1.exists_at(256) && level1.exists_at(511));
        assert!(!TileRef::parse("1/000.p/2").unwrap().exists_at(511));
    }

    #[test]
    fn hash_tiles_hold_the_subtree_hashes() {
        let entries: Vec<Vec<u8>> = (0..600u32).map(|i| i.to_be_bytes().to_vec()).collect();
        let tree = Tree::from_entries(entries.iter().map(Vec::as_slice));
        let t0 = hash_tile(&tree, &TileRef::parse("0/001").unwrap()).unwrap();
        assert_eq!(t0.len(), 256 * 32);
        assert_eq!(&t0[..32], tree.leaf(256).unwrap().as_slice());
        let t1 = hash_tile(&tree, &TileRef::parse("1/000.p/2").unwrap()).unwrap();
        // The first level-1 hash is the root of the first 256 leaves.
        assert_eq!(&t1[..32], tree.root_at(256).unwrap().as_slice());
        assert_eq!(&t1[32..], tree_of(&entries[256..512]).as_slice());
        assert!(hash_tile(&tree, &TileRef::parse("0/002").unwrap()).is_none());
        assert!(hash_tile(&tree, &TileRef::parse("0/002.p/88").unwrap()).is_some());
        assert!(hash_tile(&tree, &TileRef::parse("0/002.p/89").unwrap()).is_none());
    }

    fn tree_of(entries: &[Vec<u8>]) -> Hash {
        Tree::from_entries(entries.iter().map(Vec::as_slice)).root()
    }

    #[test]
    fn entry_bundles_prefix_each_entry_with_its_length() {
        let bundle = entry_bundle([b"ab".as_slice(), b"".as_slice()]).unwrap();
        assert_eq!(bundle, [0, 2, b'a', b'b', 0, 0]);
        assert!(entry_bundle([vec![0u8; 65_536].as_slice()]).is_none());
    }
}
