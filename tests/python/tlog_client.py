#!/usr/bin/env python3
"""Independent verifying client for C2SP tiled transparency logs.

Written from the specification texts alone (standard library only) so that it
can serve as "an implementation that is not ours" when checking that a log
server conforms.  It follows:

* C2SP tlog-tiles -- "Checkpoints" (``<prefix>/checkpoint``), "Merkle Tree"
  (``<prefix>/tile/<L>/<N>[.p/<W>]``, the x-prefixed 3-digit encoding of N,
  tile height 8 / width 256), "Partial Tiles" (widths, and the permitted
  fallback to the full tile) and "Log entries" (entry bundles: big-endian
  uint16 length-prefixed entries at ``<prefix>/tile/entries/<N>[.p/<W>]``,
  optionally ``Content-Encoding: gzip``).
* C2SP tlog-checkpoint -- "Note text" (origin, tree size, root hash,
  extension lines) and "Signatures".
* C2SP signed-note -- "Format", "Signatures" (key IDs, unknown keys are
  ignored, a failing signature from a known key rejects the note), "Ed25519
  signatures" (type 0x01) and "Verifier keys" (vkeys).
* C2SP tlog-cosignature -- "Format" (type 0x04 key IDs, the
  ``timestamped_signature`` structure) and "Ed25519 signed message"
  (``cosignature/v1`` header, ``time`` line, checkpoint body).
* RFC 6962 / RFC 9162 section 2.1 -- Merkle Tree Hash (2.1.1), inclusion
  proofs PATH (2.1.3.1) and their verification (2.1.3.2), consistency
  proofs PROOF/SUBPROOF (2.1.4.1) and their verification (2.1.4.2).
* RFC 8032 -- Ed25519 (section 5.1), transcribed from the Python
  illustration of section 6 (the standard library has no Ed25519).

What a run does (``verify_log``):

1. fetch ``<prefix>/checkpoint`` and open it as a signed note with the log's
   vkey: the key name must equal the origin line, the key ID must be the
   SHA-256 based one, and the Ed25519 signature must verify;
2. count valid Ed25519 cosignatures from the configured witness vkeys
   (``--quorum N`` makes fewer than N a failure);
3. fetch every tile of the tree at the checkpoint's size, check that every
   full tile hashes to its entry in the level above, and recompute the root;
4. fetch every entry bundle and check that each entry's RFC 6962 leaf hash
   equals the level-0 tile hash at its index;
5. build an RFC 9162 inclusion proof from the tile hashes for every entry
   (or a deterministic sample) and verify it with the RFC algorithm;
6. with ``--state DIR`` or ``--old-checkpoint FILE``, build an RFC 9162
   consistency proof from the tiles and verify it against the old signed
   root; with ``--state`` the new checkpoint is then saved atomically.

Usage::

    python3 tlog_client.py BASE_URL --log-key VKEY [--witness-key VKEY ...]
        [--quorum N] [--state DIR] [--old-checkpoint FILE ...] [--checkpoint FILE]
        [--entries-out FILE] [--all-proofs | --proof-sample N] [--skip-entries]
        [--strict] [--timeout S] [--jobs N] [-q]

BASE_URL is the log prefix: ``http(s)://...``, ``file:///...`` or a local
directory (entry bundles stored gzip-compressed on disk are accepted).
``--state DIR`` keeps the last verified checkpoint in ``DIR/checkpoint``
(replaced atomically, only after every check passed; a stored checkpoint of
another origin is an error).  ``--entries-out FILE`` gets one JSON line
``{"index": i, "entry_base64": "..."}`` per entry, written (atomically) once
every entry has matched the level-0 tiles.  ``--strict`` turns warnings
(unexpected Content-Type, a missing partial tile replaced by the prefix of
the full tile) into failures.

Exit status: 0 success; 1 verification failure (the message names the tile,
index or signature); 2 usage, network or malformed-input error (a document
that cannot be parsed as the specification requires, an HTTP error, ...).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import itertools
import json
import os
import random
import re
import struct
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_ERROR = 2


class TlogError(Exception):
    """Base class; ``exit_code`` is what the command line tool exits with."""

    exit_code = EXIT_ERROR


class VerificationError(TlogError):
    """Well-formed data that fails a cryptographic or consistency check."""

    exit_code = EXIT_FAILURE


class InputError(TlogError):
    """Usage error, or input that is malformed according to the specs."""

    exit_code = EXIT_ERROR


class FetchError(TlogError):
    """A resource could not be retrieved (network, HTTP status, I/O)."""

    exit_code = EXIT_ERROR


class NotFoundError(FetchError):
    """HTTP 404, or a missing file for a local log."""


# ---------------------------------------------------------------------------
# Ed25519 -- RFC 8032 section 5.1, transcribed from the section 6 illustration.
# Only the base-point multiplication is sped up with a table of 2^i * B.
# ---------------------------------------------------------------------------

_P = 2**255 - 19
_Q = 2**252 + 27742317777372353535851937790883648493  # group order (L)
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _sha512_modq(data: bytes) -> int:
    return int.from_bytes(hashlib.sha512(data).digest(), "little") % _Q


def _point_add(P, Q):
    # Extended homogeneous coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z.
    A = (P[1] - P[0]) * (Q[1] - Q[0]) % _P
    B = (P[1] + P[0]) * (Q[1] + Q[0]) % _P
    C = 2 * P[3] * Q[3] * _D % _P
    D = 2 * P[2] * Q[2] % _P
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F % _P, G * H % _P, F * G % _P, E * H % _P)


_NEUTRAL = (0, 1, 1, 0)


def _point_mul(s: int, P):
    Q = _NEUTRAL
    while s > 0:
        if s & 1:
            Q = _point_add(Q, P)
        P = _point_add(P, P)
        s >>= 1
    return Q


def _point_equal(P, Q) -> bool:
    if (P[0] * Q[2] - Q[0] * P[2]) % _P != 0:
        return False
    if (P[1] * Q[2] - Q[1] * P[2]) % _P != 0:
        return False
    return True


def _recover_x(y: int, sign: int) -> Optional[int]:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


_G_Y = 4 * pow(5, _P - 2, _P) % _P
_G_X = _recover_x(_G_Y, 0)
_G = (_G_X, _G_Y, 1, _G_X * _G_Y % _P)
_G_POWERS = []
_g = _G
for _ in range(256):
    _G_POWERS.append(_g)
    _g = _point_add(_g, _g)
del _g


def _base_mul(s: int):
    Q = _NEUTRAL
    i = 0
    while s > 0:
        if s & 1:
            Q = _point_add(Q, _G_POWERS[i])
        s >>= 1
        i += 1
    return Q


def _point_compress(P) -> bytes:
    zinv = pow(P[2], _P - 2, _P)
    x = P[0] * zinv % _P
    y = P[1] * zinv % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _point_decompress(s: bytes):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % _P)


def _secret_expand(seed: bytes) -> Tuple[int, bytes]:
    if len(seed) != 32:
        raise ValueError("Ed25519 private key seed must be 32 bytes")
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def ed25519_public_key(seed: bytes) -> bytes:
    """Public key (32 bytes) for a 32-byte private key seed."""
    a, _ = _secret_expand(seed)
    return _point_compress(_base_mul(a))


def ed25519_sign(seed: bytes, msg: bytes) -> bytes:
    """RFC 8032 Ed25519 signature (64 bytes) of msg."""
    a, prefix = _secret_expand(seed)
    A = _point_compress(_base_mul(a))
    r = _sha512_modq(prefix + msg)
    Rs = _point_compress(_base_mul(r))
    h = _sha512_modq(Rs + A + msg)
    s = (r + h * a) % _Q
    return Rs + s.to_bytes(32, "little")


def ed25519_verify(public: bytes, msg: bytes, signature: bytes) -> bool:
    """RFC 8032 section 5.1.7 verification (cofactorless, as in section 6)."""
    if len(public) != 32 or len(signature) != 64:
        return False
    A = _point_decompress(public)
    if A is None:
        return False
    Rs = signature[:32]
    R = _point_decompress(Rs)
    if R is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _Q:
        return False
    h = _sha512_modq(Rs + public + msg)
    return _point_equal(_base_mul(s), _point_add(R, _point_mul(h, A)))


# ---------------------------------------------------------------------------
# Merkle trees -- RFC 6962 / RFC 9162 section 2.1 (SHA-256).
# ---------------------------------------------------------------------------

HASH_SIZE = 32
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # 256 hashes, 8,192 bytes per full tile
EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}) (RFC 9162 2.1.1)
MAX_ENTRY_SIZE = 0xFFFF  # uint16 length prefix in entry bundles


def leaf_hash(entry: bytes) -> bytes:
    """MTH({d(0)}) = SHA-256(0x00 || d(0))."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || MTH(left) || MTH(right))."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2), "k" in RFC 9162."""
    return 1 << ((n - 1).bit_length() - 1)


def _is_hash(h) -> bool:
    return isinstance(h, (bytes, bytearray)) and len(h) == HASH_SIZE


def verify_inclusion(leaf_index: int, tree_size: int, leaf: bytes,
                     inclusion_path: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2, verbatim."""
    if not (_is_hash(leaf) and _is_hash(root) and all(_is_hash(p) for p in inclusion_path)):
        return False
    # 1. leaf_index must be smaller than tree_size.
    if leaf_index < 0 or leaf_index >= tree_size:
        return False
    # 2.-3.
    fn, sn = leaf_index, tree_size - 1
    r = bytes(leaf)
    # 4.
    for p in inclusion_path:
        if sn == 0:  # a.
            return False
        if fn & 1 or fn == sn:  # b.
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1  # c.
        sn >>= 1
    # 5.
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_hash: bytes, second_hash: bytes,
                       consistency_path: Sequence[bytes]) -> bool:
    """RFC 9162 section 2.1.4.2 for 0 < first < second.

    Equal sizes are consistent iff the path is empty and the roots are equal.
    A proof from the empty tree does not exist (RFC 9162 defines PROOF only for
    0 < m < n), so first == 0 < second is rejected here; callers handle it.
    """
    if not (_is_hash(first_hash) and _is_hash(second_hash)
            and all(_is_hash(c) for c in consistency_path)):
        return False
    if first < 0 or first > second:
        return False
    if first == second:
        if first == 0 and first_hash != EMPTY_ROOT:
            return False
        return len(consistency_path) == 0 and first_hash == second_hash
    if first == 0:
        return False
    path = [bytes(c) for c in consistency_path]
    if not path:  # 1.
        return False
    if first & (first - 1) == 0:  # 2.
        path.insert(0, bytes(first_hash))
    fn, sn = first - 1, second - 1  # 3.
    while fn & 1:  # 4.
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]  # 5.
    for c in path[1:]:  # 6.
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_hash and sr == second_hash and sn == 0  # 7.


# ---------------------------------------------------------------------------
# Tiles -- C2SP tlog-tiles "Merkle Tree" and "Partial Tiles".
# ---------------------------------------------------------------------------

def encode_tile_index(n: int) -> str:
    """``<N>``: zero-padded 3-digit path elements, all but the last x-prefixed."""
    if n < 0:
        raise ValueError("tile index must be non-negative")
    digits = str(n)
    digits = digits.zfill(-(-len(digits) // 3) * 3)
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def _width_suffix(width: int) -> str:
    if not 1 <= width <= TILE_WIDTH:
        raise ValueError("tile width must be between 1 and 256")
    return "" if width == TILE_WIDTH else ".p/%d" % width


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]`` relative to the log prefix."""
    if not 0 <= level <= 63:
        raise ValueError("tile level must be between 0 and 63")
    return "tile/%d/%s%s" % (level, encode_tile_index(index), _width_suffix(width))


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]`` relative to the log prefix."""
    return "tile/entries/%s%s" % (encode_tile_index(index), _width_suffix(width))


def level_count(tree_size: int, level: int) -> int:
    """Number of hashes at tile level ``level``: floor(s / 256**l)."""
    return tree_size >> (TILE_HEIGHT * level)


def tiles_at_level(tree_size: int, level: int) -> List[Tuple[int, int]]:
    """(index, width) of every tile of one level, partial tile last."""
    count = level_count(tree_size, level)
    tiles = [(n, TILE_WIDTH) for n in range(count // TILE_WIDTH)]
    if count % TILE_WIDTH:
        tiles.append((count // TILE_WIDTH, count % TILE_WIDTH))
    return tiles


def tile_levels(tree_size: int) -> int:
    """How many tile levels a tree of this size has (0 for the empty tree)."""
    levels = 0
    while level_count(tree_size, levels) > 0:
        levels += 1
    return levels


def parse_entry_bundle(data: bytes, count: int, name: str = "entry bundle") -> List[bytes]:
    """Split an entry bundle into exactly ``count`` entries (tlog-tiles "Log entries")."""
    entries = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise InputError("%s: truncated length prefix at byte %d" % (name, pos))
        (length,) = struct.unpack_from(">H", data, pos)
        pos += 2
        if pos + length > len(data):
            raise InputError("%s: entry %d claims %d bytes, only %d remain"
                             % (name, len(entries), length, len(data) - pos))
        entries.append(bytes(data[pos:pos + length]))
        pos += length
    if len(entries) != count:
        raise InputError("%s: holds %d entries, expected %d" % (name, len(entries), count))
    return entries


def _perfect_root(hashes: Sequence[bytes]) -> bytes:
    row = list(hashes)
    while len(row) > 1:
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
    return row[0]


class TileHashes:
    """Merkle Tree Hashes of a tree of ``size`` leaves, backed by tile data.

    ``levels[l]`` is the concatenation of the level-l tiles (full tiles, then
    the partial one): floor(size / 256**l) hashes.  The hash at index i of
    level l is MTH(D[i * 256**l : (i + 1) * 256**l]).  Nodes between tile
    levels are recomputed by hashing, per tlog-tiles.
    """

    def __init__(self, size: int, levels: Sequence[bytes], cache_tiles: int = 4096):
        if size < 0:
            raise ValueError("negative tree size")
        if len(levels) != tile_levels(size):
            raise ValueError("tree of size %d needs %d tile levels, got %d"
                             % (size, tile_levels(size), len(levels)))
        for lvl, data in enumerate(levels):
            if len(data) != HASH_SIZE * level_count(size, lvl):
                raise ValueError("level %d holds %d bytes, expected %d"
                                 % (lvl, len(data), HASH_SIZE * level_count(size, lvl)))
        self.size = size
        self._levels = [bytes(d) for d in levels]
        self._rows: "OrderedDict[Tuple[int, int], List[List[bytes]]]" = OrderedDict()
        self._cache_tiles = cache_tiles
        self._ranges: Dict[Tuple[int, int], bytes] = {}

    @classmethod
    def from_leaf_hashes(cls, hashes: Sequence[bytes]) -> "TileHashes":
        """Build the tile levels of a tree from its leaf hashes."""
        levels = []
        row = [bytes(h) for h in hashes]
        while row:
            levels.append(b"".join(row))
            row = [_perfect_root(row[i:i + TILE_WIDTH])
                   for i in range(0, len(row) - TILE_WIDTH + 1, TILE_WIDTH)]
        return cls(len(hashes), levels)

    def level_hash(self, level: int, index: int) -> bytes:
        data = self._levels[level]
        if not 0 <= index < len(data) // HASH_SIZE:
            raise IndexError("no hash %d at level %d" % (index, level))
        return data[index * HASH_SIZE:(index + 1) * HASH_SIZE]

    def tile_rows(self, level: int, tile: int) -> List[List[bytes]]:
        """rows[r][j]: hash of the j-th complete subtree of height r within the tile."""
        key = (level, tile)
        rows = self._rows.get(key)
        if rows is not None:
            self._rows.move_to_end(key)
            return rows
        count = level_count(self.size, level)
        start = tile * TILE_WIDTH
        width = min(TILE_WIDTH, count - start)
        if width <= 0:
            raise IndexError("no tile %d at level %d" % (tile, level))
        data = self._levels[level]
        row = [data[i * HASH_SIZE:(i + 1) * HASH_SIZE] for i in range(start, start + width)]
        rows = [row]
        while len(row) >= 2:
            row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
            rows.append(row)
        self._rows[key] = rows
        while len(self._rows) > self._cache_tiles:
            self._rows.popitem(last=False)
        return rows

    def node(self, height: int, index: int) -> bytes:
        """MTH(D[index * 2**height : (index + 1) * 2**height]), a complete subtree."""
        if (index + 1) << height > self.size:
            raise IndexError("subtree (%d, %d) is not complete in a tree of size %d"
                             % (height, index, self.size))
        level, r = divmod(height, TILE_HEIGHT)
        if r == 0:
            return self.level_hash(level, index)
        tile = (index << r) >> TILE_HEIGHT
        return self.tile_rows(level, tile)[r][index - (tile << (TILE_HEIGHT - r))]

    def subtree_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) per RFC 9162 2.1.1, for 0 <= start < end <= size."""
        n = end - start
        if start < 0 or n <= 0 or end > self.size:
            raise IndexError("bad range [%d, %d) for tree size %d" % (start, end, self.size))
        if n & (n - 1) == 0 and start % n == 0:
            return self.node(n.bit_length() - 1, start // n)
        key = (start, end)
        h = self._ranges.get(key)
        if h is None:
            k = _split(n)
            h = node_hash(self.subtree_hash(start, start + k), self.subtree_hash(start + k, end))
            self._ranges[key] = h
        return h

    def root(self, tree_size: Optional[int] = None) -> bytes:
        """MTH(D[0:tree_size]) (default: the whole tree)."""
        n = self.size if tree_size is None else tree_size
        return EMPTY_ROOT if n == 0 else self.subtree_hash(0, n)

    def inclusion_path(self, index: int, tree_size: Optional[int] = None) -> List[bytes]:
        """PATH(m, D[0:n]) of RFC 9162 section 2.1.3.1 (leaf first)."""
        n = self.size if tree_size is None else tree_size
        if not 0 <= index < n <= self.size:
            raise IndexError("leaf %d is not in a tree of size %d" % (index, n))
        top_down = []
        lo, hi = 0, n
        while hi - lo > 1:
            k = _split(hi - lo)
            if index < lo + k:
                top_down.append(self.subtree_hash(lo + k, hi))
                hi = lo + k
            else:
                top_down.append(self.subtree_hash(lo, lo + k))
                lo += k
        return top_down[::-1]

    def consistency_proof(self, old_size: int, tree_size: Optional[int] = None) -> List[bytes]:
        """PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true), RFC 9162 2.1.4.1."""
        n = self.size if tree_size is None else tree_size
        if not 0 < old_size <= n <= self.size:
            raise IndexError("no consistency proof from %d to %d" % (old_size, n))
        top_down = []
        lo, hi, m, complete = 0, n, old_size, True
        while m != hi - lo:
            k = _split(hi - lo)
            if m <= k:
                top_down.append(self.subtree_hash(lo + k, hi))
                hi = lo + k
            else:
                top_down.append(self.subtree_hash(lo, lo + k))
                lo += k
                m -= k
                complete = False
        if not complete:
            top_down.append(self.subtree_hash(lo, hi))
        return top_down[::-1]

    def check_full_tiles(self) -> Iterator[Tuple[int, int]]:
        """Yield (level, tile) of every full tile that does not hash to its
        entry in the level above (tlog-tiles: each hash at level l+1 is the
        Merkle Tree Hash of a full tile at level l)."""
        for level in range(len(self._levels) - 1):
            for tile in range(level_count(self.size, level) // TILE_WIDTH):
                rows = self.tile_rows(level, tile)
                if rows[TILE_HEIGHT][0] != self.level_hash(level + 1, tile):
                    yield level, tile


# ---------------------------------------------------------------------------
# Signed notes, checkpoints and cosignatures.
# ---------------------------------------------------------------------------

SIG_ED25519 = 0x01
SIG_COSIGNATURE_V1 = 0x04
MAX_NOTE_SIGNATURES = 100  # signed-note: MUST accept at least 16
MAX_NOTE_SIZE = 1 << 20
_SIG_PREFIX = "\u2014 "  # em dash, space
_HEX8 = re.compile(r"[0-9a-f]{8}")
_DECIMAL = re.compile(r"(0|[1-9][0-9]*)")
_B64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def b64decode_strict(s: str, what: str) -> bytes:
    """Standard base64 (RFC 4648 section 4), padded, canonical."""
    if not _B64.fullmatch(s) or len(s) % 4:
        raise InputError("%s: not standard padded base64" % what)
    try:
        data = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        raise InputError("%s: not standard padded base64" % what) from None
    if base64.b64encode(data).decode("ascii") != s:
        raise InputError("%s: non-canonical base64" % what)
    return data


def _valid_key_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_id(name: str, sig_type: int, public_key: bytes) -> int:
    """SHA-256(key name || 0x0A || signature type || public key)[:4], big-endian."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public_key).digest()
    return struct.unpack(">I", digest[:4])[0]


@dataclass(frozen=True)
class Verifier:
    """A parsed vkey: ``<name>+<hex key ID>+<base64(type || public key)>``."""

    name: str
    key_id: int
    sig_type: int
    public_key: bytes
    vkey: str

    def __str__(self) -> str:
        return "%s+%08x" % (self.name, self.key_id)


def parse_vkey(vkey: str, allowed_types: Iterable[int] = (SIG_ED25519, SIG_COSIGNATURE_V1)) -> Verifier:
    """Parse and check a verifier key (signed-note "Verifier keys")."""
    parts = vkey.split("+", 2)  # the base64 key material may itself contain "+"
    if len(parts) != 3:
        raise InputError("vkey %r: expected <name>+<key ID>+<key>" % vkey)
    name, hex_id, key_b64 = parts
    if not _valid_key_name(name):
        raise InputError("vkey %r: invalid key name" % vkey)
    if not _HEX8.fullmatch(hex_id):
        raise InputError("vkey %r: key ID must be 8 lowercase hex digits" % vkey)
    key = b64decode_strict(key_b64, "vkey %r" % vkey)
    if len(key) < 2:
        raise InputError("vkey %r: key material too short" % vkey)
    sig_type, public_key = key[0], key[1:]
    if sig_type not in (SIG_ED25519, SIG_COSIGNATURE_V1):
        raise InputError("vkey %r: unsupported signature type 0x%02x" % (vkey, sig_type))
    if sig_type not in tuple(allowed_types):
        raise InputError("vkey %r: signature type 0x%02x not allowed here" % (vkey, sig_type))
    if len(public_key) != 32:
        raise InputError("vkey %r: Ed25519 public key must be 32 bytes" % vkey)
    kid = int(hex_id, 16)
    if kid != key_id(name, sig_type, public_key):
        raise InputError("vkey %r: key ID does not match the key" % vkey)
    return Verifier(name, kid, sig_type, bytes(public_key), vkey)


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: int
    signature: bytes  # without the 4-byte key ID
    line: str

    def label(self) -> str:
        return "%s+%08x" % (self.name, self.key_id)


@dataclass(frozen=True)
class Note:
    text: bytes  # the signed text, including its final newline
    signatures: Tuple[NoteSignature, ...]


def parse_note(msg: bytes) -> Note:
    """Split a signed note into text and signature lines (signed-note "Format")."""
    if len(msg) > MAX_NOTE_SIZE:
        raise InputError("note is larger than %d bytes" % MAX_NOTE_SIZE)
    try:
        s = msg.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("note is not valid UTF-8") from None
    for ch in s:
        if ch < " " and ch != "\n":
            raise InputError("note contains control character U+%04X" % ord(ch))
    split = s.rfind("\n\n")
    if split < 0:
        raise InputError("note has no blank line before the signatures")
    text, sig_block = s[:split + 1], s[split + 2:]
    if not sig_block or not sig_block.endswith("\n"):
        raise InputError("note must end with newline-terminated signature lines")
    lines = sig_block[:-1].split("\n")
    if len(lines) > MAX_NOTE_SIGNATURES:
        raise InputError("note has more than %d signatures" % MAX_NOTE_SIGNATURES)
    sigs = []
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise InputError("malformed signature line %r" % line)
        fields = line[len(_SIG_PREFIX):].split(" ")
        if len(fields) != 2 or not _valid_key_name(fields[0]):
            raise InputError("malformed signature line %r" % line)
        raw = b64decode_strict(fields[1], "signature line %r" % line)
        if len(raw) < 5:
            raise InputError("signature line %r: signature too short" % line)
        sigs.append(NoteSignature(fields[0], struct.unpack(">I", raw[:4])[0], raw[4:], line))
    return Note(text.encode("utf-8"), tuple(sigs))


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: Tuple[str, ...]
    text: bytes  # the note text (checkpoint body)
    raw: bytes  # the whole signed note as received

    def describe(self) -> str:
        return "%s @ %d (%s)" % (self.origin, self.size, base64.b64encode(self.root).decode())


def parse_checkpoint_text(text: bytes, raw: bytes = b"") -> Checkpoint:
    """tlog-checkpoint "Note text": origin, size, root hash, extension lines."""
    s = text.decode("utf-8")
    if not s.endswith("\n"):
        raise InputError("checkpoint text must end with a newline")
    lines = s[:-1].split("\n")
    if len(lines) < 3:
        raise InputError("checkpoint needs at least three lines, got %d" % len(lines))
    for i, line in enumerate(lines):
        if not line:
            raise InputError("checkpoint line %d is empty" % (i + 1))
    origin, size_line, root_line = lines[:3]
    if not _DECIMAL.fullmatch(size_line):
        raise InputError("checkpoint tree size %r is not a decimal without leading zeroes" % size_line)
    size = int(size_line)
    if size >= 1 << 63:
        raise InputError("checkpoint tree size %d is too large" % size)
    root = b64decode_strict(root_line, "checkpoint root hash")
    if len(root) != HASH_SIZE:
        raise InputError("checkpoint root hash is %d bytes, expected 32" % len(root))
    return Checkpoint(origin, size, root, tuple(lines[3:]), text, raw)


def open_note(msg: bytes, verifiers: Sequence[Verifier], what: str = "note") -> Tuple[Note, List[Verifier]]:
    """Verify a note's Ed25519 (type 0x01) signatures (signed-note "Signatures").

    Lines whose (key name, key ID) match no known key are ignored; a line from
    a known key that fails to verify rejects the note; at least one known key
    must have signed.  Returns the note and the keys that verified.
    """
    note = parse_note(msg)
    return note, _verify_note(note, verifiers, what)


def _verify_note(note: Note, verifiers: Sequence[Verifier], what: str) -> List[Verifier]:
    known = {(v.name, v.key_id): v for v in verifiers if v.sig_type == SIG_ED25519}
    signed: List[Verifier] = []
    for sig in note.signatures:
        v = known.get((sig.name, sig.key_id))
        if v is None:
            continue
        if not ed25519_verify(v.public_key, note.text, sig.signature):
            raise VerificationError("%s: invalid signature from %s" % (what, sig.label()))
        if v not in signed:
            signed.append(v)
    if not signed:
        raise VerificationError("%s: no valid signature from %s"
                                % (what, ", ".join(str(v) for v in known.values()) or "any known key"))
    return signed


def open_checkpoint(msg: bytes, log: Verifier, what: str = "checkpoint") -> Tuple[Checkpoint, Note]:
    """Open a checkpoint note with the log's Ed25519 key and parse its body.

    The key name must equal the origin line (tlog-checkpoint says SHOULD;
    this client requires it), and an empty tree must have root SHA-256("").
    """
    note = parse_note(msg)
    checkpoint = parse_checkpoint_text(note.text, msg)
    _verify_note(note, [log], what)
    if checkpoint.origin != log.name:
        raise VerificationError("%s: origin %r does not match the log key name %r"
                                % (what, checkpoint.origin, log.name))
    if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
        raise VerificationError("%s: empty tree with a root other than SHA-256('')" % what)
    return checkpoint, note


def cosignature_message(timestamp: int, checkpoint_text: bytes) -> bytes:
    """tlog-cosignature "Ed25519 signed message"."""
    return b"cosignature/v1\ntime %d\n" % timestamp + checkpoint_text


@dataclass(frozen=True)
class Cosignature:
    witness: Verifier
    timestamp: int


def verify_cosignatures(note: Note, witnesses: Sequence[Verifier], what: str = "checkpoint") -> List[Cosignature]:
    """Valid cosignatures, one per witness key; unknown signature lines are
    ignored, an invalid one from a configured witness is a failure."""
    by_id = {(w.name, w.key_id): w for w in witnesses}
    found: Dict[Tuple[str, int], Cosignature] = {}
    for sig in note.signatures:
        witness = by_id.get((sig.name, sig.key_id))
        if witness is None:
            continue
        if len(sig.signature) != 8 + 64:
            raise VerificationError("%s: cosignature from %s is %d bytes, expected 72"
                                    % (what, sig.label(), len(sig.signature)))
        (timestamp,) = struct.unpack(">Q", sig.signature[:8])
        if timestamp > (1 << 63) - 1:
            raise VerificationError("%s: cosignature from %s has timestamp above 2^63-1"
                                    % (what, sig.label()))
        if not ed25519_verify(witness.public_key, cosignature_message(timestamp, note.text),
                              sig.signature[8:]):
            raise VerificationError("%s: invalid cosignature from %s" % (what, sig.label()))
        found.setdefault((sig.name, sig.key_id), Cosignature(witness, timestamp))
    return list(found.values())


# ---------------------------------------------------------------------------
# Fetching: http(s)://, file:// or a local directory.
# ---------------------------------------------------------------------------

MAX_CHECKPOINT_BYTES = MAX_NOTE_SIZE
MAX_TILE_BYTES = TILE_WIDTH * HASH_SIZE
MAX_BUNDLE_BYTES = TILE_WIDTH * (2 + MAX_ENTRY_SIZE)


def _gunzip(data: bytes, limit: int, what: str) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as e:
        raise FetchError("%s: bad gzip content: %s" % (what, e)) from None
    if len(out) > limit or d.unconsumed_tail:
        raise FetchError("%s: decompressed content larger than %d bytes" % (what, limit))
    if not d.eof:
        raise FetchError("%s: truncated gzip content" % what)
    return out


@dataclass
class Response:
    body: bytes
    content_type: Optional[str]


class Fetcher:
    """GETs resources relative to a log prefix and records what it fetched."""

    def __init__(self, base: str, timeout: float = 30.0):
        self.timeout = timeout
        self.fetched: List[str] = []
        self._lock = threading.Lock()
        parsed = urllib.parse.urlsplit(base)
        if parsed.scheme in ("http", "https"):
            self.local_dir = None
            self.base = base.rstrip("/")
        elif parsed.scheme == "file":
            self.local_dir = urllib.request.url2pathname(parsed.path)
            self.base = base
        elif parsed.scheme == "" or (len(parsed.scheme) == 1 and os.name == "nt"):
            self.local_dir = base
            self.base = base
        else:
            raise InputError("unsupported URL scheme %r" % parsed.scheme)
        if self.local_dir is not None and not os.path.isdir(self.local_dir):
            raise InputError("%s is not a directory" % self.local_dir)

    def describe(self, path: str) -> str:
        if self.local_dir is not None:
            return os.path.join(self.local_dir, *path.split("/"))
        return self.base + "/" + path

    def get(self, path: str, limit: int, gzip_ok: bool = False) -> Response:
        with self._lock:
            self.fetched.append(path)
        if self.local_dir is not None:
            return self._get_local(path, limit, gzip_ok)
        return self._get_http(path, limit)

    def _get_local(self, path: str, limit: int, gzip_ok: bool) -> Response:
        name = self.describe(path)
        try:
            with open(name, "rb") as f:
                body = f.read(limit + 1)
        except FileNotFoundError:
            raise NotFoundError("%s: not found" % path) from None
        except OSError as e:
            raise FetchError("%s: %s" % (path, e)) from None
        if gzip_ok and body[:2] == b"\x1f\x8b":
            # Stored compressed, as static servers do for Content-Encoding: gzip.
            try:
                body = _gunzip(body, limit, path)
            except FetchError:
                pass  # not gzip after all: an entry of length 0x1f8b
        if len(body) > limit:
            raise FetchError("%s: larger than %d bytes" % (path, limit))
        return Response(body, None)

    def _get_http(self, path: str, limit: int) -> Response:
        url = self.describe(path)
        req = urllib.request.Request(url, headers={
            "Accept-Encoding": "gzip, identity",
            "User-Agent": "tlog_client.py (independent C2SP tlog-tiles verifier)",
        })
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                body = resp.read(limit + 1)
                encoding = (resp.headers.get("Content-Encoding") or "identity").strip().lower()
                content_type = resp.headers.get("Content-Type")
        except urllib.error.HTTPError as e:
            if e.code == 404:
                raise NotFoundError("%s: not found (HTTP 404)" % path) from None
            raise FetchError("%s: HTTP %d %s" % (path, e.code, e.reason)) from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            raise FetchError("%s: %s" % (url, reason)) from None
        if encoding == "gzip":
            body = _gunzip(body, limit, path)
        elif encoding != "identity":
            raise FetchError("%s: unsupported Content-Encoding %r" % (path, encoding))
        if len(body) > limit:
            raise FetchError("%s: larger than %d bytes" % (path, limit))
        return Response(body, content_type)


def _media_type(value: str) -> str:
    return ";".join(part.strip().lower() for part in value.split(";"))


def _content_type_is(value: Optional[str], expected: str) -> bool:
    if value is None:
        return True  # local files carry no content type
    return _media_type(value) == _media_type(expected)


# ---------------------------------------------------------------------------
# The verifying client.
# ---------------------------------------------------------------------------

@dataclass
class Report:
    checkpoint: Optional[Checkpoint] = None
    cosignatures: List[Cosignature] = field(default_factory=list)
    tiles_fetched: int = 0
    entries_verified: int = 0
    proofs_verified: int = 0
    consistency: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)
    lines: List[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)


@dataclass
class Options:
    base_url: str
    log_key: str
    witness_keys: Sequence[str] = ()
    quorum: int = 0
    state_dir: Optional[str] = None
    old_checkpoints: Sequence[str] = ()  # file names
    checkpoint_file: Optional[str] = None
    entries_out: Optional[str] = None
    all_proofs: bool = False
    proof_sample: int = 10000
    skip_entries: bool = False
    strict: bool = False
    timeout: float = 30.0
    jobs: int = 8


def _ordered_map(fn: Callable, items: Sequence, jobs: int) -> Iterator:
    """fn over items in a thread pool, results in order, bounded read-ahead."""
    if jobs <= 1 or len(items) <= 1:
        for item in items:
            yield fn(item)
        return
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        it = iter(items)
        pending = deque(pool.submit(fn, item) for item in itertools.islice(it, 2 * jobs))
        while pending:
            future = pending.popleft()
            for item in itertools.islice(it, 1):
                pending.append(pool.submit(fn, item))
            yield future.result()


class Client:
    def __init__(self, opts: Options):
        self.opts = opts
        self.log = parse_vkey(opts.log_key, allowed_types=(SIG_ED25519,))
        self.witnesses = [parse_vkey(k, allowed_types=(SIG_COSIGNATURE_V1,)) for k in opts.witness_keys]
        if opts.quorum < 0 or opts.quorum > len(self.witnesses):
            raise InputError("--quorum %d needs at least that many --witness-key" % opts.quorum)
        if opts.proof_sample < 0:
            raise InputError("--proof-sample must not be negative")
        self.fetcher = Fetcher(opts.base_url, opts.timeout)
        self.report = Report()

    # -- helpers ---------------------------------------------------------

    def _warn(self, msg: str) -> None:
        if self.opts.strict:
            raise VerificationError(msg + " (--strict)")
        self.report.warnings.append(msg)

    def _fetch_fixed(self, path: str, full_path: str, width: int, limit: int, gzip_ok: bool,
                     expected_type: str) -> Tuple[bytes, bool]:
        """Fetch a (possibly partial) tile or bundle; for a missing partial
        resource fall back to the full one (tlog-tiles "Partial Tiles")."""
        try:
            resp = self.fetcher.get(path, limit, gzip_ok)
            used_full = False
        except NotFoundError:
            if width == TILE_WIDTH:
                raise
            try:
                resp = self.fetcher.get(full_path, limit, gzip_ok)
            except NotFoundError:
                raise NotFoundError("%s: not found (nor the full %s)" % (path, full_path)) from None
            used_full = True
        if not _content_type_is(resp.content_type, expected_type):
            self._warn("%s: Content-Type %r, expected %r"
                       % (full_path if used_full else path, resp.content_type, expected_type))
        return resp.body, used_full

    def _fetch_tile(self, item: Tuple[int, int, int]) -> Tuple[str, bytes]:
        level, index, width = item
        path = tile_path(level, index, width)
        body, used_full = self._fetch_fixed(path, tile_path(level, index), width,
                                            MAX_TILE_BYTES, False, "application/octet-stream")
        if used_full:
            if len(body) != MAX_TILE_BYTES:
                raise InputError("%s: full tile is %d bytes, expected 8192"
                                 % (tile_path(level, index), len(body)))
            self._warn("%s missing, used the first %d hashes of %s"
                       % (path, width, tile_path(level, index)))
            body = body[:width * HASH_SIZE]
        if len(body) != width * HASH_SIZE:
            raise InputError("%s: %d bytes, expected %d (%d hashes)"
                             % (path, len(body), width * HASH_SIZE, width))
        return path, body

    def _fetch_bundle(self, item: Tuple[int, int]) -> Tuple[str, List[bytes]]:
        index, width = item
        path = entries_path(index, width)
        body, used_full = self._fetch_fixed(path, entries_path(index), width,
                                            MAX_BUNDLE_BYTES, True, "application/octet-stream")
        if used_full:
            entries = parse_entry_bundle(body, TILE_WIDTH, entries_path(index))[:width]
            self._warn("%s missing, used the first %d entries of %s"
                       % (path, width, entries_path(index)))
        else:
            entries = parse_entry_bundle(body, width, path)
        return path, entries

    def _fetch_checkpoint(self) -> bytes:
        if self.opts.checkpoint_file:
            return _read_file(self.opts.checkpoint_file, "checkpoint file")
        resp = self.fetcher.get("checkpoint", MAX_CHECKPOINT_BYTES)
        if not _content_type_is(resp.content_type, "text/plain; charset=utf-8"):
            self._warn("checkpoint: Content-Type %r, expected 'text/plain; charset=utf-8'"
                       % resp.content_type)
        return resp.body

    # -- steps -------------------------------------------------------------

    def verify_checkpoint(self) -> Tuple[Checkpoint, Note]:
        raw = self._fetch_checkpoint()
        checkpoint, note = open_checkpoint(raw, self.log)
        self.report.checkpoint = checkpoint
        self.report.say("checkpoint: %s" % checkpoint.describe())
        self.report.say("log signature: OK (%s)" % self.log)
        return checkpoint, note

    def verify_witnesses(self, note: Note) -> None:
        if not self.witnesses:
            return
        cosigs = verify_cosignatures(note, self.witnesses)
        self.report.cosignatures = cosigs
        names = ", ".join("%s (time %d)" % (c.witness, c.timestamp) for c in cosigs) or "none"
        self.report.say("cosignatures: %d valid of %d configured witnesses (quorum %d): %s"
                        % (len(cosigs), len(self.witnesses), self.opts.quorum, names))
        if len(cosigs) < self.opts.quorum:
            missing = [str(w) for w in self.witnesses
                       if all(c.witness != w for c in cosigs)]
            raise VerificationError("cosignature quorum not met: %d valid, %d required (missing: %s)"
                                    % (len(cosigs), self.opts.quorum, ", ".join(missing)))

    def fetch_tree(self, checkpoint: Checkpoint) -> TileHashes:
        size = checkpoint.size
        levels = []
        for level in range(tile_levels(size)):
            items = [(level, n, w) for n, w in tiles_at_level(size, level)]
            levels.append(b"".join(body for _, body in
                                   _ordered_map(self._fetch_tile, items, self.opts.jobs)))
            self.report.tiles_fetched += len(items)
        tree = TileHashes(size, levels)
        for level, tile in tree.check_full_tiles():
            above = level_count(size, level + 1)
            upper = tile_path(level + 1, tile // TILE_WIDTH,
                              min(TILE_WIDTH, above - tile // TILE_WIDTH * TILE_WIDTH))
            raise VerificationError("%s does not hash to hash %d of %s (level %d tile)"
                                    % (tile_path(level, tile), tile % TILE_WIDTH, upper, level + 1))
        root = tree.root()
        if root != checkpoint.root:
            raise VerificationError("root computed from the tiles (%s) differs from the checkpoint root (%s)"
                                    % (base64.b64encode(root).decode(),
                                       base64.b64encode(checkpoint.root).decode()))
        self.report.say("tiles: %d fetched over %d levels; root recomputed from the tiles matches"
                        % (self.report.tiles_fetched, tile_levels(size)))
        return tree

    def verify_entries(self, tree: TileHashes) -> Optional[bytes]:
        """Check every entry against the level-0 hashes; returns the leaf
        hashes computed from the entries."""
        size = tree.size
        leaves = bytearray()
        out = None
        tmp_name = None
        if self.opts.entries_out:
            out_dir = os.path.dirname(os.path.abspath(self.opts.entries_out))
            fd, tmp_name = tempfile.mkstemp(prefix=".entries-", dir=out_dir)
            out = os.fdopen(fd, "w", encoding="utf-8")
        try:
            items = tiles_at_level(size, 0)
            index = 0
            for path, entries in _ordered_map(self._fetch_bundle, items, self.opts.jobs):
                for entry in entries:
                    h = leaf_hash(entry)
                    expected = tree.level_hash(0, index)
                    if h != expected:
                        raise VerificationError(
                            "entry %d (in %s) has leaf hash %s but %s holds %s"
                            % (index, path, h.hex(), tile_path(0, index // TILE_WIDTH,
                                                               items[index // TILE_WIDTH][1]),
                               expected.hex()))
                    leaves += h
                    if out is not None:
                        out.write(json.dumps({"index": index,
                                              "entry_base64": base64.b64encode(entry).decode()}) + "\n")
                    index += 1
            if out is not None:
                out.close()
                os.replace(tmp_name, self.opts.entries_out)
                out = None
        finally:
            if out is not None:
                out.close()
                os.unlink(tmp_name)
        self.report.entries_verified = size
        self.report.say("entries: %d in %d bundles; every leaf hash matches the level-0 tiles"
                        % (size, len(tiles_at_level(size, 0))))
        return bytes(leaves)

    def proof_indices(self, checkpoint: Checkpoint) -> List[int]:
        size = checkpoint.size
        if self.opts.all_proofs or size <= self.opts.proof_sample:
            return list(range(size))
        if self.opts.proof_sample == 0:
            return []
        picked = {0, size - 1}
        for edge in (TILE_WIDTH - 1, TILE_WIDTH, size // 2, size - TILE_WIDTH):
            if 0 <= edge < size:
                picked.add(edge)
        rng = random.Random(checkpoint.root)
        while len(picked) < self.opts.proof_sample:
            picked.add(rng.randrange(size))
        return sorted(picked)

    def verify_inclusion_proofs(self, checkpoint: Checkpoint, tree: TileHashes,
                                leaves: Optional[bytes]) -> None:
        indices = self.proof_indices(checkpoint)
        for i in indices:
            leaf = leaves[i * HASH_SIZE:(i + 1) * HASH_SIZE] if leaves else tree.level_hash(0, i)
            path = tree.inclusion_path(i)
            if not verify_inclusion(i, checkpoint.size, leaf, path, checkpoint.root):
                raise VerificationError("inclusion proof for entry %d in tree size %d does not verify"
                                        % (i, checkpoint.size))
        self.report.proofs_verified = len(indices)
        if indices:
            what = "all entries" if len(indices) == checkpoint.size else \
                "a sample of %d entries (--all-proofs for all)" % len(indices)
            self.report.say("inclusion proofs (RFC 9162 2.1.3): verified for %s" % what)

    def verify_consistency_with(self, old: Checkpoint, new: Checkpoint, tree: Optional[TileHashes],
                                what: str) -> None:
        """Old and new checkpoints must describe the same append-only log:
        new size >= old size, same size => same root, otherwise an RFC 9162
        consistency proof built from the new tree's tiles must verify."""
        if old.size > new.size:
            raise VerificationError("%s has size %d, larger than the new checkpoint's %d (rollback)"
                                    % (what, old.size, new.size))
        if old.size == new.size:
            if old.root != new.root:
                raise VerificationError("%s and the new checkpoint have size %d but different roots (fork)"
                                        % (what, old.size))
            msg = "same size %d, same root" % old.size
        elif old.size == 0:
            msg = "from the empty tree"
        else:
            proof = tree.consistency_proof(old.size)
            if not verify_consistency(old.size, new.size, old.root, new.root, proof):
                raise VerificationError(
                    "consistency proof (RFC 9162 2.1.4) from %s (size %d) to size %d does not "
                    "verify: the old root is not a prefix of the new tree (fork)"
                    % (what, old.size, new.size))
            msg = "size %d -> %d, proof of %d hashes verified" % (old.size, new.size, len(proof))
        self.report.consistency.append(msg)
        self.report.say("consistency with %s: %s" % (what, msg))

    def load_old_checkpoint(self, raw: bytes, what: str, new: Checkpoint) -> Checkpoint:
        old, _ = open_checkpoint(raw, self.log, what)
        if old.origin != new.origin:
            raise InputError("%s is for origin %r, not %r" % (what, old.origin, new.origin))
        return old

    def save_state(self, checkpoint: Checkpoint) -> None:
        path = os.path.join(self.opts.state_dir, "checkpoint")
        fd, tmp = tempfile.mkstemp(prefix=".checkpoint-", dir=self.opts.state_dir)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(checkpoint.raw)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self.report.say("state: saved checkpoint of size %d to %s" % (checkpoint.size, path))

    def run(self) -> Report:
        checkpoint, note = self.verify_checkpoint()
        self.verify_witnesses(note)

        olds = []  # (description, checkpoint)
        for name in self.opts.old_checkpoints:
            olds.append((name, self.load_old_checkpoint(_read_file(name, "old checkpoint"),
                                                        "old checkpoint %s" % name, checkpoint)))
        if self.opts.state_dir:
            if not os.path.isdir(self.opts.state_dir):
                raise InputError("state directory %s does not exist" % self.opts.state_dir)
            state_file = os.path.join(self.opts.state_dir, "checkpoint")
            if os.path.exists(state_file):
                try:
                    raw = _read_file(state_file, "stored checkpoint")
                    old = self.load_old_checkpoint(raw, "stored checkpoint", checkpoint)
                except VerificationError as e:
                    raise InputError("unusable stored checkpoint %s: %s" % (state_file, e)) from None
                olds.append(("stored checkpoint", old))
        # Rollbacks and same-size forks need no tiles: report them first.
        needs_proof = []
        for what, old in olds:
            if old.size >= checkpoint.size:
                self.verify_consistency_with(old, checkpoint, None, what)
            else:
                needs_proof.append((what, old))

        tree = self.fetch_tree(checkpoint)
        leaves = None
        if self.opts.skip_entries:
            self.report.say("entries: skipped (--skip-entries)")
        else:
            leaves = self.verify_entries(tree)
        self.verify_inclusion_proofs(checkpoint, tree, leaves)
        for what, old in needs_proof:
            self.verify_consistency_with(old, checkpoint, tree, what)
        if self.opts.state_dir:
            self.save_state(checkpoint)
        for w in self.report.warnings:
            self.report.say("warning: %s" % w)
        return self.report


def _read_file(name: str, what: str) -> bytes:
    try:
        with open(name, "rb") as f:
            return f.read(MAX_NOTE_SIZE + 1)
    except OSError as e:
        raise InputError("cannot read %s %s: %s" % (what, name, e)) from None


def verify_log(base_url: str, log_key: str, **kwargs) -> Report:
    """Library entry point: run every check, raise a TlogError on failure."""
    return Client(Options(base_url=base_url, log_key=log_key, **kwargs)).run()


def build_arg_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tlog_client.py",
        description="Independently verify a C2SP tlog-tiles log: checkpoint signature, "
                    "cosignatures, tiles, entry bundles, inclusion and consistency proofs.",
        epilog="Exit status: 0 verified, 1 verification failure, 2 usage/network/malformed input.")
    p.add_argument("base_url", metavar="BASE_URL",
                   help="log prefix: http(s)://host/path, file:///dir, or a local directory")
    p.add_argument("--log-key", required=True, metavar="VKEY",
                   help="log verifier key <name>+<hex ID>+<base64(0x01 || Ed25519 key)>")
    p.add_argument("--witness-key", action="append", default=[], metavar="VKEY",
                   help="witness verifier key <name>+<hex ID>+<base64(0x04 || Ed25519 key)> (repeatable)")
    p.add_argument("--quorum", type=int, default=0, metavar="N",
                   help="fail unless at least N configured witnesses cosigned (default 0)")
    p.add_argument("--state", metavar="DIR",
                   help="check consistency with DIR/checkpoint, then save the new checkpoint there")
    p.add_argument("--old-checkpoint", action="append", default=[], metavar="FILE",
                   help="check consistency of this earlier checkpoint with the new one (repeatable)")
    p.add_argument("--checkpoint", metavar="FILE",
                   help="verify this checkpoint file instead of fetching BASE_URL/checkpoint")
    p.add_argument("--entries-out", metavar="FILE",
                   help='write every entry as a JSON line {"index": i, "entry_base64": "..."}')
    p.add_argument("--all-proofs", action="store_true",
                   help="verify an inclusion proof for every entry (default: sample when large)")
    p.add_argument("--proof-sample", type=int, default=10000, metavar="N",
                   help="inclusion proofs to verify when the log is larger (default 10000)")
    p.add_argument("--skip-entries", action="store_true", help="do not fetch entry bundles")
    p.add_argument("--strict", action="store_true",
                   help="treat warnings (Content-Type, partial tile fallback) as failures")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS")
    p.add_argument("--jobs", type=int, default=8, metavar="N", help="parallel fetches (default 8)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only failures")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_arg_parser().parse_args(argv)
    opts = Options(
        base_url=args.base_url, log_key=args.log_key, witness_keys=args.witness_key,
        quorum=args.quorum, state_dir=args.state, old_checkpoints=args.old_checkpoint,
        checkpoint_file=args.checkpoint, entries_out=args.entries_out,
        all_proofs=args.all_proofs, proof_sample=args.proof_sample,
        skip_entries=args.skip_entries, strict=args.strict, timeout=args.timeout,
        jobs=max(1, args.jobs))
    try:
        client = Client(opts)
        report = client.run()
    except VerificationError as e:
        print("FAIL: %s" % e, file=sys.stderr)
        return EXIT_FAILURE
    except TlogError as e:
        print("ERROR: %s" % e, file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    if not args.quiet:
        print("tlog_client: %s" % args.base_url)
        for line in report.lines:
            print("  " + line)
        print("OK")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
