#!/usr/bin/env python3
"""Independent verifier of shuangsui draw bundles, written from docs/DRAW-SPEC.md alone.

Usage:

    python3 tests/python/verify_bundle.py BUNDLE.json [--expect-commitment HEX]
    python3 tests/python/verify_bundle.py EXPORT.json [--expect-commitment HEX] [--log-key KEY]

An export (docs/LOG.md, "Exported bundles") is a bundle with the log's evidence: its
checkpoint's Ed25519 signature, every entry's inclusion proof, and every entry an export must
carry are checked too.

Output (the last line is the verdict) and exit status:

    0  PASS <summary>               every check of DRAW-SPEC §7.1 succeeded
    1  FAIL <path>: <what differs>  the first discrepancy; <path> is a JSON pointer
                                    (RFC 6901) into the bundle
    2  UNREADABLE <why>             the file is missing, not UTF-8, not JSON, or an export cut short

Lines starting with NOTE before a PASS say what this verifier did not (or could not) check.

This program uses the Python standard library only and was written without reading the Rust
sources: every rule below cites the section of DRAW-SPEC ("§n") it implements. Where the
specification left something open, the comment says "SPEC GAP" and explains what was chosen.

Layout, in the order of the specification:
    conventions and canonical JSON ......... §Conventions, §2.3
    ChaCha20 (RFC 8439), below, choose ..... §4.3–§4.5
    entropy encoding, seed, streams ........ §4.1–§4.3
    structure of the bundle ................ §2.1, §2.4, §3, §7
    plan rules ............................. §3.1, §3.2
    snapshots, digests, header hash ........ §2.2–§2.4
    entropy checks ......................... §4.1, §7.1 step 3
    the draw ............................... §5, §6
    comparison and independent re-check .... §7.1 steps 5 and 6
"""

import argparse
import base64
import datetime
import hashlib
import json
import re
import struct
import sys
import unicodedata

SPEC_VERSION = "5"  # new commitments are made under this version
BUNDLE_FORMAT = "shuangsui-bundle/1"
# Versions: each header `format` with its `spec_version`. Version 5 adds the `lists` snapshot,
# its source `lists.csv` and the stratum selector `lists` (§2, §3, §5.2), and the matters of each
# department of a joint batch (`team.department_matters`), whose one sector its slot's officers
# hold (§3, §6.1); version 4 adds the stratum selectors
# (districts, entity types, registration levels), split_by parts, per-stratum exclusions, the
# calendar-year exclusion and the plan's floor (§3, §5); version 3 adds the plan's
# `inspection_end` (officer cards valid through it, §6.1); version 1 differs from 2 only in
# what a source's `sha256` is over (the file's bytes, not its table's canonical CSV, §2.5),
# which a bundle alone cannot show.
COMMITMENT_VERSIONS = {
    "shuangsui-commitment/1": "1",
    "shuangsui-commitment/2": "2",
    "shuangsui-commitment/3": "3",
    "shuangsui-commitment/4": "4",
    "shuangsui-commitment/5": "5",
}


def names_window_end(spec_version):
    """Conventions: a plan of version 3 on names its inspection window's last day; 1 and 2 do not."""
    return spec_version not in ("1", "2")


def has_selectors(spec_version):
    """Conventions: from version 4 on a plan has the stratum fields districts, entity_types,
    levels, split_by and exclusions, the plan's floor and exclude_inspected_in_year (§3); a
    plan of versions 1 to 3 has none of them."""
    return spec_version not in ("1", "2", "3")


def has_lists(spec_version):
    """Conventions: from version 5 on a commitment has the `lists` snapshot and source and each
    stratum its `lists` selector; versions 1 to 4 have none of them."""
    return spec_version not in ("1", "2", "3", "4")


def has_department_matters(spec_version):
    """Conventions: from version 5 on a plan's team has `department_matters` (§3)."""
    return spec_version not in ("1", "2", "3", "4")


def slot_sector(plan, header, slot, entity):
    """§6.1: the sector slot `slot` asks for: the sector of its department's matters when a
    `team.department_matters` entry names the slot's department (version 5), else the entity's."""
    departments = plan["team"]["departments"]
    if slot < len(departments):
        for entry in plan["team"].get("department_matters", ()):
            if entry["department"] == departments[slot]:
                code = entry["matters"][0]
                return next(m["sector"] for m in header["matters"] if m["code"] == code)
    return entity["sector"]


def cards_valid_through(plan):
    """§6.1: the last day officer cards must be valid (the window's end from version 3 on)."""
    return plan.get("inspection_end", plan["inspection_date"])

ENTITY_STATUSES = ("正常", "停业", "清算", "注销", "吊销", "撤销")  # §2.1
OFFICER_STATUSES = ("在岗", "暂停", "离岗")  # §2.1
GRADES = ("A", "B", "C", "D")  # §2.1
METHODS = ("书面检查", "实地核查", "网络监测")  # §2.4: documents, on-site, online
# §2.4: header.sources names the directory's five tables, in this order, and from version 5
# on a sixth, lists.
SOURCE_FILES = ("entities.csv", "officers.csv", "matters.csv", "recusals.csv", "history.csv", "lists.csv")
# §4.1: the pinned drand chains, by chain hash: whether the scheme is chained (a chained
# round's bundle carries the previous signature; an unchained one has null there).
PINNED_CHAINS = {
    "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce": ("mainnet default", True),
    "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971": ("quicknet", False),
}
MAX_TEXT_CHARS = 500  # §Conventions: a text is at most 500 characters
MAX_IDENTIFIER_CHARS = 64  # §Conventions: an identifier is at most 64
# §2.1: a USCC (GB 32100-2015) is 18 characters of this alphabet (no I, O, S, V, Z); the 18th
# is the check character of the first 17, weighted as below, modulo 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ON_DUTY = "在岗"  # §6.1: only officers with this status are qualified
LEVELS = ("部级", "省级", "地市级", "县级")  # §3.1, §5.2: registration levels
SPLIT_ATTRIBUTES = ("grade", "district", "entity_type", "level", "authority")  # §3, §5.2
EXCLUSIONS = ("apply", "ignore")  # §3: whether §5.4's exclusion rules apply in a stratum
# §3, §5.2: a stratum's selector lists, each with the entity attribute it selects on.
SELECTORS = (("grades", "grade"), ("districts", "district"), ("entity_types", "entity_type"), ("levels", "level"))
# Conventions, §3, §5.2–§5.4: the version 4 stratum fields a plan of versions 1 to 3 does not
# have, at the value their absence means (an absent selector list selects any value, and the
# exclusion rules apply); likewise version 5's `lists` in a plan of versions 1 to 4.
STRATUM_DEFAULTS = {"districts": (), "entity_types": (), "levels": (), "split_by": (), "exclusions": "apply", "lists": ()}

HEX64 = re.compile(r"[0-9a-f]{64}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
RATIO = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*)")
ASCII_DIGITS = re.compile(r"[0-9]+")
BATCH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # §3.1; fullmatch, so no trailing newline

# Unicode White_Space (the property Rust's str::trim and char::is_whitespace use). Python's
# str.isspace() also accepts U+001C..U+001F, so it is not used for "trimmed" / "no white space".
WHITE_SPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

# The largest integer RFC 8785 can write exactly (numbers are IEEE 754 doubles there).
MAX_SAFE_INTEGER = 2**53 - 1
MAX_ENTRY_BYTES = 65535  # LOG.md: a log entry is at most this long (tlog-tiles entry bundles)


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Errors and reading the file
# ─────────────────────────────────────────────────────────────────────────────────────────────


class Unreadable(Exception):
    """The bundle file cannot be read as JSON at all (exit status 2)."""


class Discrepancy(Exception):
    """The first difference between the bundle and the specification (exit status 1)."""

    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")
        self.path = path or "/"
        self.message = message


def ptr(path, key):
    """Append one reference token to a JSON pointer (RFC 6901 escaping of '~' and '/')."""
    token = str(key).replace("~", "~0").replace("/", "~1")
    return f"{path}/{token}"


class _NonInteger:
    """Stands for a JSON number with a fraction or exponent, NaN or Infinity (rejected later,
    so that the failure can name the place where it occurs)."""

    def __init__(self, text):
        self.text = text


class _DuplicateKeys(dict):
    """A JSON object in which some key occurs twice (rejected later with its path)."""

    duplicates = ()


def _object_pairs(pairs):
    obj = {}
    duplicates = []
    for key, value in pairs:
        if key in obj:
            duplicates.append(key)
        obj[key] = value
    if duplicates:
        obj = _DuplicateKeys(obj)
        obj.duplicates = tuple(duplicates)
    return obj


def parse_json(text):
    """Parse JSON text, keeping floats and duplicate keys visible for check_json_values."""
    return json.loads(
        text,
        parse_float=_NonInteger,
        parse_constant=_NonInteger,
        object_pairs_hook=_object_pairs,
    )


def read_file(filename):
    """The file's bytes; raises Unreadable."""
    try:
        with open(filename, "rb") as f:
            return f.read()
    except OSError as e:
        raise Unreadable(f"{filename}: {e.strerror or e}") from None


def parse_bytes(raw, what):
    """Parse UTF-8 JSON bytes (a bundle, or an export's log part); raises Unreadable."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Unreadable(f"{what}: not UTF-8 ({e.reason} at byte {e.start})") from None
    try:
        return parse_json(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise Unreadable(f"{what}: not JSON ({e})") from None


def load_bundle(filename):
    """Read a bundle file. Returns (raw bytes, parsed value); raises Unreadable."""
    raw = read_file(filename)
    return raw, parse_bytes(raw, filename)


def check_json_values(value, path="", low=-MAX_SAFE_INTEGER):
    """The value space of the audited path (§Conventions, §2.3): integers only, no floats,
    integers that RFC 8785 can write exactly (and not below `low`: in a bundle every integer
    is between 0 and 2^53 - 1), no duplicate object keys, strings that are valid Unicode (so
    that they have a UTF-8 encoding)."""
    if isinstance(value, (_NonInteger, float)):
        text = value.text if isinstance(value, _NonInteger) else repr(value)
        raise Discrepancy(path, f"{text} is not an integer; the audited path has no floating-point numbers")
    if isinstance(value, _DuplicateKeys):
        raise Discrepancy(ptr(path, value.duplicates[0]), "this key occurs more than once in its object")
    if type(value) is int and abs(value) > MAX_SAFE_INTEGER:
        raise Discrepancy(path, f"{value} cannot be written exactly by RFC 8785 (|n| > 2^53 - 1)")
    if type(value) is int and value < low:
        raise Discrepancy(path, f"{value} is negative; every integer in a bundle is between 0 and 2^53 - 1 (§Conventions)")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Discrepancy(path, "string contains a lone surrogate (\\ud800-\\udfff), not valid Unicode") from None
    if isinstance(value, dict):
        for key in sorted(value):
            check_json_values(key, path, low)  # keys are strings too
            check_json_values(value[key], ptr(path, key), low)
    if isinstance(value, list):
        for i, item in enumerate(value):
            check_json_values(item, ptr(path, i), low)


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Conventions and canonical JSON (§Conventions, §2.3)
# ─────────────────────────────────────────────────────────────────────────────────────────────


def u32be(n):
    """§Conventions: 4-byte big-endian unsigned integer."""
    return n.to_bytes(4, "big")


def u64be(n):
    """§Conventions: 8-byte big-endian unsigned integer."""
    return n.to_bytes(8, "big")


def frame(b):
    """§Conventions: frame(b) = u32be(len(b)) ‖ b. Text is framed as its UTF-8 bytes."""
    if isinstance(b, str):
        b = b.encode("utf-8")
    return u32be(len(b)) + b


def sha256(b):
    """§Conventions: SHA-256 (FIPS 180-4)."""
    return hashlib.sha256(b).digest()


def canonical_json(value):
    """J(x) / JCS(x) of §2.3: RFC 8785 canonical JSON, as UTF-8 bytes.

    For the data of this format, json.dumps with sorted keys, no white space and
    ensure_ascii=False *is* RFC 8785, because:
    - numbers are integers with |n| <= 2^53 - 1 (checked by check_json_values), which RFC 8785
      and Python both write as plain decimal digits; floats are rejected, never serialised;
    - RFC 8785 sorts keys by UTF-16 code units and Python by code points; the two orders differ
      only between supplementary-plane characters and U+E000..U+FFFF, and all keys here are ASCII;
    - both escape only '"', '\\' and U+0000..U+001F, using \\b \\t \\n \\f \\r where they exist
      and lowercase \\u00xx otherwise, and write every other character as itself (UTF-8).
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


# ─────────────────────────────────────────────────────────────────────────────────────────────
# ChaCha20, written out by hand from RFC 8439 (§4.3)
# ─────────────────────────────────────────────────────────────────────────────────────────────

MASK32 = 0xFFFFFFFF
CHACHA_CONSTANTS = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)  # "expand 32-byte k"
ZERO_NONCE = bytes(12)


def rotl32(v, c):
    """32-bit left rotation (RFC 8439 §2.1, "<<<")."""
    return ((v << c) & MASK32) | (v >> (32 - c))


def quarter_round(state, a, b, c, d):
    """RFC 8439 §2.1/§2.2: the ChaCha quarter round on four words of a 16-word state, in place."""
    state[a] = (state[a] + state[b]) & MASK32
    state[d] = rotl32(state[d] ^ state[a], 16)
    state[c] = (state[c] + state[d]) & MASK32
    state[b] = rotl32(state[b] ^ state[c], 12)
    state[a] = (state[a] + state[b]) & MASK32
    state[d] = rotl32(state[d] ^ state[a], 8)
    state[c] = (state[c] + state[d]) & MASK32
    state[b] = rotl32(state[b] ^ state[c], 7)


def chacha20_block(key, counter, nonce=ZERO_NONCE):
    """RFC 8439 §2.3: the ChaCha20 block function, serialised as 64 bytes.

    The state is 4 constant words, 8 key words, a 32-bit block counter and 3 nonce words, all
    read little-endian; 20 rounds (10 column + diagonal double rounds); the original state is
    added word by word and the result written little-endian.
    """
    if len(key) != 32 or len(nonce) != 12:
        raise ValueError("ChaCha20 needs a 32-byte key and a 12-byte nonce")
    if not 0 <= counter <= MASK32:
        # SPEC NOTE: §4.3 uses RFC 8439's 32-bit counter; rand_chacha's counter is 64 bits wide
        # and would carry into the nonce word after 2^32 blocks (256 GiB), far beyond any draw.
        raise ValueError("ChaCha20 block counter exceeds 32 bits")
    initial = list(CHACHA_CONSTANTS) + list(struct.unpack("<8I", key)) + [counter] + list(struct.unpack("<3I", nonce))
    x = list(initial)
    for _ in range(10):
        quarter_round(x, 0, 4, 8, 12)  # column rounds
        quarter_round(x, 1, 5, 9, 13)
        quarter_round(x, 2, 6, 10, 14)
        quarter_round(x, 3, 7, 11, 15)
        quarter_round(x, 0, 5, 10, 15)  # diagonal rounds
        quarter_round(x, 1, 6, 11, 12)
        quarter_round(x, 2, 7, 8, 13)
        quarter_round(x, 3, 4, 9, 14)
    return struct.pack("<16I", *((x[i] + initial[i]) & MASK32 for i in range(16)))


class Stream:
    """§4.3: the ChaCha20 keystream of a 32-byte key (all-zero nonce, counter from 0), read as
    unsigned 64-bit little-endian words, in order, never skipped or reused."""

    def __init__(self, key):
        if len(key) != 32:
            raise ValueError("a stream key is 32 bytes")
        self.key = key
        self.counter = 0  # next block to generate
        self.block = b""
        self.offset = 0  # next unread byte of self.block
        self.words_used = 0

    def keystream(self, nbytes):
        """The first nbytes of this key's keystream (for the RFC 8439 tests; not used by the draw)."""
        blocks = (nbytes + 63) // 64
        return b"".join(chacha20_block(self.key, i) for i in range(blocks))[:nbytes]

    def next_word(self):
        """Word k = keystream bytes 8k … 8k+7 as a little-endian u64."""
        if self.offset == len(self.block):
            self.block = chacha20_block(self.key, self.counter)
            self.counter += 1
            self.offset = 0
        word = int.from_bytes(self.block[self.offset : self.offset + 8], "little")
        self.offset += 8
        self.words_used += 1
        return word


def below(stream, n):
    """§4.4: a uniform integer in [0, n) by rejection. Always consumes at least one word."""
    if n < 1:
        raise ValueError("below(n) needs n >= 1")
    r = (1 << 64) % n
    while True:
        w = stream.next_word()
        if w < (1 << 64) - r:
            return w % n


def choose(stream, items, k):
    """§4.5: partial Fisher–Yates. Returns the first k items of the shuffled copy, in draw order."""
    items = list(items)
    m = len(items)
    for i in range(k):
        j = i + below(stream, m - i)
        items[i], items[j] = items[j], items[i]
    return items[:k]


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Entropy encoding, seed and streams (§4.1–§4.3)
# ─────────────────────────────────────────────────────────────────────────────────────────────


def ceremony_encoding(contributions):
    """§4.1: E for a ceremony; contributions = [(witness name, digits)] in declared order."""
    e = frame("ceremony") + u32be(len(contributions))
    for name, digits in contributions:
        e += frame(name) + frame(digits)
    return e


def drand_encoding(chain_hash_hex, round_number, signature):
    """§4.1: E for drand: frame("drand") ‖ frame(chain hash, 32 raw bytes) ‖ u64be(round) ‖
    frame(signature bytes)."""
    return frame("drand") + frame(bytes.fromhex(chain_hash_hex)) + u64be(round_number) + frame(signature)


def derive_seed(commitment_hash_hex, entropy_encoding, spec_version=SPEC_VERSION):
    """§4.2: seed = SHA-256(frame("shuangsui/seed") ‖ frame("1") ‖ frame(H raw) ‖ frame(E))."""
    return sha256(
        frame("shuangsui/seed") + frame(spec_version) + frame(bytes.fromhex(commitment_hash_hex)) + frame(entropy_encoding)
    )


def stream_key(seed, label):
    """§4.3: key(label) = SHA-256(frame("shuangsui/stream") ‖ frame(seed) ‖ frame(label))."""
    return sha256(frame("shuangsui/stream") + frame(seed) + frame(label))


def stream_for(seed, label):
    """§4.3: the stream of a label: "stratum/<i>", "stratum/<i>/<j>" (part j of a split
    stratum), "floor" and "teams"."""
    return Stream(stream_key(seed, label))


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Small checks of JSON shapes (used for §2.1, §2.4, §3, §7)
# ─────────────────────────────────────────────────────────────────────────────────────────────


def describe(value):
    """A short text for a JSON value in failure messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "an array"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


def expect_object(value, path, keys):
    """value must be an object with exactly these keys (a field the specification does not name
    could carry meaning this verifier would silently ignore)."""
    if not isinstance(value, dict):
        raise Discrepancy(path, f"is {describe(value)}, expected an object")
    for key in sorted(set(keys) - set(value)):
        raise Discrepancy(ptr(path, key), "is missing")
    for key in sorted(set(value) - set(keys)):
        raise Discrepancy(ptr(path, key), "is not a field of this object in DRAW-SPEC")
    return value


def expect_str(value, path):
    if not isinstance(value, str):
        raise Discrepancy(path, f"is {describe(value)}, expected a string")
    return value


def expect_int(value, path, low=None, high=None):
    """An integer (not a boolean) within [low, high]."""
    if type(value) is not int:
        raise Discrepancy(path, f"is {describe(value)}, expected an integer")
    if low is not None and value < low:
        raise Discrepancy(path, f"is {value}, must be at least {low}")
    if high is not None and value > high:
        raise Discrepancy(path, f"is {value}, must be at most {high}")
    return value


def expect_optional_int(value, path, low=None, high=None):
    return None if value is None else expect_int(value, path, low, high)


def expect_bool(value, path):
    if not isinstance(value, bool):
        raise Discrepancy(path, f"is {describe(value)}, expected true or false")
    return value


def expect_list(value, path):
    if not isinstance(value, list):
        raise Discrepancy(path, f"is {describe(value)}, expected an array")
    return value


def expect_str_list(value, path):
    for i, item in enumerate(expect_list(value, path)):
        expect_str(item, ptr(path, i))
    return value


def expect_date(value, path):
    """§2.1: dates are YYYY-MM-DD (and must exist in the calendar)."""
    expect_str(value, path)
    if not DATE.fullmatch(value):
        raise Discrepancy(path, f"{describe(value)} is not a YYYY-MM-DD date")
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise Discrepancy(path, f"{describe(value)} is not a calendar date") from None
    return value


def expect_hex(value, path, nbytes=None):
    """Lowercase hex (§Conventions), of nbytes bytes if given."""
    expect_str(value, path)
    if not re.fullmatch(r"(?:[0-9a-f]{2})+", value) or (nbytes is not None and len(value) != 2 * nbytes):
        size = f"{2 * nbytes} " if nbytes else "an even number of "
        raise Discrepancy(path, f"{describe(value)} is not {size}lowercase hex digits")
    return value


def expect_one_of(value, path, allowed):
    if value not in allowed:
        raise Discrepancy(path, f"{describe(value)} is not one of {', '.join(allowed)}")
    return value


def expect_text(value, path):
    """§Conventions: a text is trimmed, NFC-normalised, non-empty, free of control characters
    (general category Cc) and at most 500 characters (Unicode scalar values) long."""
    expect_str(value, path)
    if not value:
        raise Discrepancy(path, "is empty; a text is non-empty (§Conventions)")
    if value[0] in WHITE_SPACE or value[-1] in WHITE_SPACE:
        raise Discrepancy(path, f"{describe(value)} is not trimmed; a text has no white space at either end (§Conventions)")
    if not unicodedata.is_normalized("NFC", value):
        raise Discrepancy(path, f"{describe(value)} is not NFC normalised; a text is (§Conventions)")
    control = next((ch for ch in value if unicodedata.category(ch) == "Cc"), None)
    if control is not None:
        raise Discrepancy(path, f"contains the control character U+{ord(control):04X}; a text has none (§Conventions)")
    if len(value) > MAX_TEXT_CHARS:
        raise Discrepancy(path, f"is {len(value)} characters long; a text is at most {MAX_TEXT_CHARS} (§Conventions)")
    return value


def expect_identifier(value, path):
    """§Conventions: an identifier (card number, matter code) is a text of at most 64
    characters with no white space anywhere in it."""
    expect_text(value, path)
    if has_white_space(value):
        raise Discrepancy(path, f"{describe(value)} contains white space; an identifier has none (§Conventions)")
    if len(value) > MAX_IDENTIFIER_CHARS:
        raise Discrepancy(path, f"is {len(value)} characters long; an identifier is at most {MAX_IDENTIFIER_CHARS} (§Conventions)")
    return value


def expect_uscc(value, path):
    """§2.1: 18 characters from 0-9 A-H J-N P-R T U W X Y, the 18th the GB 32100 check
    character of the first 17."""
    expect_str(value, path)
    if len(value) != 18 or any(ch not in USCC_ALPHABET for ch in value):
        raise Discrepancy(path, f"{describe(value)} is not a USCC: 18 characters from 0-9 A-H J-N P-R T U W X Y (§2.1)")
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(value, USCC_WEIGHTS))
    check = USCC_ALPHABET[(31 - total % 31) % 31]
    if value[17] != check:
        raise Discrepancy(path, f"{describe(value)} is not a USCC: its check character should be {check!r} (GB 32100, §2.1)")
    return value


def expect_distinct(values, path, what, may_be_empty=False):
    """§Conventions: a list of texts or identifiers is non-empty (unless a rule says it may be
    empty) and never names a value twice. `what` names the list in the message."""
    expect_list(values, path)
    if not values and not may_be_empty:
        raise Discrepancy(path, f"is empty; {what} is a non-empty list (§Conventions)")
    for i, value in enumerate(values):
        if value in values[:i]:
            raise Discrepancy(ptr(path, i), f"{describe(value)} is named twice in {what}; a list never names a value twice (§Conventions)")
    return values


def expect_texts(values, path, what, may_be_empty=False, item=expect_text):
    """A list of texts (or, with item=expect_identifier, identifiers) without repeats."""
    for i, value in enumerate(expect_list(values, path)):
        item(value, ptr(path, i))
    return expect_distinct(values, path, what, may_be_empty)


def has_white_space(text):
    return any(ch in WHITE_SPACE for ch in text)


def days_before(iso_date, days):
    """The YYYY-MM-DD date `days` days before iso_date (exact calendar arithmetic)."""
    try:
        return (datetime.date.fromisoformat(iso_date) - datetime.timedelta(days=days)).isoformat()
    except OverflowError:
        return "0000-00-00"  # before year 1: earlier than every valid date, as a string too


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Structure of the bundle (§7), the commitment (§2, §2.4) and the plan (§3)
# ─────────────────────────────────────────────────────────────────────────────────────────────

SNAPSHOT_NAMES = ("entities", "officers", "recusals", "history")  # §2.1 table order


def check_formats(bundle):
    """§7.1 step 1: `format`, `header.format`, `header.spec_version` (and the outer shapes)."""
    expect_object(bundle, "", ("commitment", "draw", "entropy", "format", "seed"))
    if bundle["format"] != BUNDLE_FORMAT:
        raise Discrepancy("/format", f"is {describe(bundle['format'])}, expected {describe(BUNDLE_FORMAT)}")
    commitment = expect_object(bundle["commitment"], "/commitment", ("hash", "header", "snapshots"))
    header = expect_object(
        commitment["header"], "/commitment/header", ("format", "matters", "plan", "snapshots", "sources", "spec_version")
    )
    if not isinstance(header["format"], str) or header["format"] not in COMMITMENT_VERSIONS:
        known = ", ".join(describe(f) for f in COMMITMENT_VERSIONS)
        raise Discrepancy("/commitment/header/format", f"is {describe(header['format'])}, expected one of {known}")
    expected = COMMITMENT_VERSIONS[header["format"]]
    if header["spec_version"] != expected:
        raise Discrepancy(
            "/commitment/header/spec_version",
            f"is {describe(header['spec_version'])}, expected {describe(expected)} with format {describe(header['format'])}",
        )


def check_plan_shape(plan, path, spec_version=SPEC_VERSION):
    """§3: the fields of the plan object and their JSON types. In the header every field is
    present (§3: unset optional values null, empty lists [], the `statuses` default applied;
    `inspection_end` from version 3 on, never before; `floor`, `exclude_inspected_in_year` and
    the stratum fields districts, entity_types, levels, split_by, exclusions from version 4 on,
    never before)."""
    selectors = has_selectors(spec_version)
    keys = ("constraints", "entropy", "id", "inspection_date", "matters", "population", "strata", "team", "title")
    if names_window_end(spec_version):
        keys += ("inspection_end",)
    if selectors:
        keys += ("floor",)
    expect_object(plan, path, keys)
    expect_str(plan["id"], ptr(path, "id"))
    expect_str(plan["title"], ptr(path, "title"))
    expect_date(plan["inspection_date"], ptr(path, "inspection_date"))
    if "inspection_end" in plan:
        expect_date(plan["inspection_end"], ptr(path, "inspection_end"))
        days = (
            datetime.date.fromisoformat(plan["inspection_end"])
            - datetime.date.fromisoformat(plan["inspection_date"])
        ).days
        if not 0 <= days <= 366:
            raise Discrepancy(
                ptr(path, "inspection_end"),
                f"is {days} days after inspection_date, expected 0 to 366 (§3.1)",
            )
    expect_str_list(plan["matters"], ptr(path, "matters"))

    pop_path = ptr(path, "population")
    population = expect_object(plan["population"], pop_path, ("districts", "entity_types", "sectors", "statuses"))
    for key in ("districts", "entity_types", "sectors", "statuses"):
        expect_str_list(population[key], ptr(pop_path, key))

    strata_path = ptr(path, "strata")
    for i, stratum in enumerate(expect_list(plan["strata"], strata_path)):
        s_path = ptr(strata_path, i)
        stratum_keys = ("count", "grades", "minimum", "name", "ratio")
        if selectors:
            stratum_keys += ("districts", "entity_types", "exclusions", "levels", "split_by")
        if has_lists(spec_version):
            stratum_keys += ("lists",)
        expect_object(stratum, s_path, stratum_keys)
        expect_str(stratum["name"], ptr(s_path, "name"))
        expect_str_list(stratum["grades"], ptr(s_path, "grades"))
        if selectors:
            for key in ("districts", "entity_types", "levels", "split_by"):
                expect_str_list(stratum[key], ptr(s_path, key))
            expect_str(stratum["exclusions"], ptr(s_path, "exclusions"))
        if has_lists(spec_version):
            expect_str_list(stratum["lists"], ptr(s_path, "lists"))
        if stratum["ratio"] is not None:
            expect_str(stratum["ratio"], ptr(s_path, "ratio"))
        expect_optional_int(stratum["count"], ptr(s_path, "count"))
        expect_optional_int(stratum["minimum"], ptr(s_path, "minimum"))

    if selectors and plan["floor"] is not None:
        f_path = ptr(path, "floor")
        expect_object(plan["floor"], f_path, ("name", "ratio"))
        expect_str(plan["floor"]["name"], ptr(f_path, "name"))
        expect_str(plan["floor"]["ratio"], ptr(f_path, "ratio"))

    team_path = ptr(path, "team")
    team_keys = ("departments", "pool", "size")
    if has_department_matters(spec_version):
        team_keys += ("department_matters",)
    team = expect_object(plan["team"], team_path, team_keys)
    expect_int(team["size"], ptr(team_path, "size"))
    expect_str_list(team["departments"], ptr(team_path, "departments"))
    expect_str_list(team["pool"], ptr(team_path, "pool"))
    if has_department_matters(spec_version):
        dm_path = ptr(team_path, "department_matters")
        for i, entry in enumerate(expect_list(team["department_matters"], dm_path)):
            entry_path = ptr(dm_path, i)
            expect_object(entry, entry_path, ("department", "matters"))
            expect_str(entry["department"], ptr(entry_path, "department"))
            expect_str_list(entry["matters"], ptr(entry_path, "matters"))

    c_path = ptr(path, "constraints")
    constraint_keys = ("cross_district", "exclude_inspected_within_days", "max_targets_per_officer", "no_repeat_pairing_within_days")
    if selectors:
        constraint_keys += ("exclude_inspected_in_year",)
    constraints = expect_object(plan["constraints"], c_path, constraint_keys)
    expect_bool(constraints["cross_district"], ptr(c_path, "cross_district"))
    if selectors:
        # §3, §3.1: exclude_inspected_in_year is a boolean.
        expect_bool(constraints["exclude_inspected_in_year"], ptr(c_path, "exclude_inspected_in_year"))
    for key in ("exclude_inspected_within_days", "max_targets_per_officer", "no_repeat_pairing_within_days"):
        expect_optional_int(constraints[key], ptr(c_path, key))

    e_path = ptr(path, "entropy")
    entropy = plan["entropy"]
    if not isinstance(entropy, dict) or entropy.get("source") not in ("ceremony", "drand"):
        source = entropy.get("source") if isinstance(entropy, dict) else entropy
        raise Discrepancy(ptr(e_path, "source"), f"is {describe(source)}, expected \"ceremony\" or \"drand\"")
    if entropy["source"] == "ceremony":
        expect_object(entropy, e_path, ("digits", "source", "witnesses"))
        expect_str_list(entropy["witnesses"], ptr(e_path, "witnesses"))
        expect_int(entropy["digits"], ptr(e_path, "digits"))
    else:
        expect_object(entropy, e_path, ("chain_hash", "round", "source"))
        expect_str(entropy["chain_hash"], ptr(e_path, "chain_hash"))
        # §3.1: a round is at least 1 (and, as every integer, at most 2^53 - 1).
        expect_int(entropy["round"], ptr(e_path, "round"), 1, MAX_SAFE_INTEGER)


def check_matter_shapes(matters, path):
    """§2.4: header.matters records: `code` an identifier; `content`, `inspecting_body`,
    `legal_basis`, `name`, `sector` texts; `methods` a non-empty list without repeats of
    书面检查, 实地核查, 网络监测."""
    for i, matter in enumerate(expect_list(matters, path)):
        m_path = ptr(path, i)
        expect_object(matter, m_path, ("code", "content", "inspecting_body", "legal_basis", "methods", "name", "sector"))
        expect_identifier(matter["code"], ptr(m_path, "code"))
        for key in ("content", "inspecting_body", "legal_basis", "name", "sector"):
            expect_text(matter[key], ptr(m_path, key))
        methods = expect_str_list(matter["methods"], ptr(m_path, "methods"))
        for j, method in enumerate(methods):
            if method not in METHODS:
                raise Discrepancy(ptr(ptr(m_path, "methods"), j), f"{describe(method)} is not a method: one of {', '.join(METHODS)} (§2.4)")
        expect_distinct(methods, ptr(m_path, "methods"), "a matter's methods")


def check_sources_shape(sources, path, spec_version=SPEC_VERSION):
    """§2.4: `sources` names the directory's five tables in the order entities, officers,
    matters, recusals, history (and from version 5 on a sixth, lists): [{"file", "rows",
    "sha256"}] with the table's file name, its number of rows and its content hash (§2.5) in
    lowercase hex. The hashes themselves cannot be recomputed here: the directory's other
    columns are not in the bundle."""
    files = SOURCE_FILES if has_lists(spec_version) else SOURCE_FILES[:5]
    expect_list(sources, path)
    for i, source in enumerate(sources):
        s_path = ptr(path, i)
        expect_object(source, s_path, ("file", "rows", "sha256"))
        if i >= len(files):
            raise Discrepancy(s_path, f"is one source too many; a commitment of version {spec_version} names the directory's {len(files)} tables (§2.4)")
        if source["file"] != files[i]:
            raise Discrepancy(
                ptr(s_path, "file"), f"is {describe(source['file'])}; source {i} is the table {describe(files[i])} (§2.4)"
            )
        expect_int(source["rows"], ptr(s_path, "rows"), 0, MAX_SAFE_INTEGER)
        expect_hex(source["sha256"], ptr(s_path, "sha256"), 32)
    if len(sources) < len(files):
        raise Discrepancy(ptr(path, len(sources)), f"is missing: no source for the table {describe(files[len(sources)])} (§2.4)")


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Plan rules (§3.1 on the plan alone, §3.2 against the directory)
# ─────────────────────────────────────────────────────────────────────────────────────────────


def parse_ratio(text, path):
    """§3/§3.1: a ratio is "n/d" with 0 < n <= d <= 1,000,000, written in decimal without
    leading zeros, sign or white space and not reduced (e.g. "50/100", never "50%"). Returns (n, d)."""
    match = RATIO.fullmatch(text)
    if not match:
        raise Discrepancy(path, f"{describe(text)} is not a ratio \"n/d\" of positive decimal integers without leading zeros (§3)")
    n, d = int(match.group(1)), int(match.group(2))
    if not (0 < n <= d <= 1_000_000):
        raise Discrepancy(path, f"{describe(text)} breaks 0 < n <= d <= 1,000,000 (§3.1)")
    return n, d


def check_plan_rules(plan, path, spec_version=SPEC_VERSION):
    """§3.1: the rules on the plan alone, in the order the section lists them (the version 4
    stratum rules, the shadowing rule and the floor where the section adds them)."""
    selectors = has_selectors(spec_version)
    if not BATCH_ID.fullmatch(plan["id"]):
        raise Discrepancy(
            ptr(path, "id"),
            f"{describe(plan['id'])} is not a batch id: 1 to 64 characters from A-Z a-z 0-9 . _ -, "
            "starting with a letter or digit (§3.1)",
        )
    expect_text(plan["title"], ptr(path, "title"))
    if not plan["matters"]:
        raise Discrepancy(ptr(path, "matters"), "is empty; a plan has at least one matter (§3.1)")
    expect_texts(plan["matters"], ptr(path, "matters"), "the plan's matters", item=expect_identifier)
    pop_path = ptr(path, "population")
    for key in ("sectors", "entity_types", "districts"):
        expect_texts(plan["population"][key], ptr(pop_path, key), f"population.{key}", may_be_empty=True)
    statuses = plan["population"]["statuses"]
    for i, status in enumerate(statuses):
        if status not in ENTITY_STATUSES:
            raise Discrepancy(ptr(ptr(pop_path, "statuses"), i), f"{describe(status)} is not an entity status: one of {', '.join(ENTITY_STATUSES)} (§3.1)")
    expect_distinct(statuses, ptr(pop_path, "statuses"), "population.statuses")
    strata = plan["strata"]
    if not strata:
        raise Discrepancy(ptr(path, "strata"), "is empty; a plan has at least one stratum (§3.1)")
    names, grade_owner = set(), {}
    for i, stratum in enumerate(strata):
        s_path = ptr(ptr(path, "strata"), i)
        expect_text(stratum["name"], ptr(s_path, "name"))
        if stratum["name"] in names:
            raise Discrepancy(ptr(s_path, "name"), f"{describe(stratum['name'])} is the name of an earlier stratum (§3.1)")
        names.add(stratum["name"])
        if not selectors and not stratum["grades"]:
            raise Discrepancy(ptr(s_path, "grades"), "is empty; in versions 1 to 3 every stratum has at least one grade (§3.1)")
        for j, grade in enumerate(stratum["grades"]):
            g_path = ptr(ptr(s_path, "grades"), j)
            if grade not in GRADES:
                raise Discrepancy(g_path, f"{describe(grade)} is not a credit grade: one of {', '.join(GRADES)} (§3.1)")
            if grade in stratum["grades"][:j]:
                raise Discrepancy(g_path, f"grade {describe(grade)} is listed twice in this stratum (§3.1)")
            if not selectors and grade_owner.get(grade, i) != i:
                raise Discrepancy(
                    ptr(ptr(s_path, "grades"), j),
                    f"grade {describe(grade)} is also in stratum {grade_owner[grade]}; in versions 1 to 3 no grade is in two strata (§3.1)",
                )
            grade_owner[grade] = i
        if selectors:
            check_stratum_selectors(strata, i, s_path)
        if stratum["ratio"] is None and stratum["count"] is None:
            raise Discrepancy(s_path, "has neither a ratio nor a count (§3.1)")
        if stratum["ratio"] is not None:
            parse_ratio(stratum["ratio"], ptr(s_path, "ratio"))
        if stratum["count"] is not None:
            expect_int(stratum["count"], ptr(s_path, "count"), 1, MAX_SAFE_INTEGER)
        if stratum["minimum"] is not None:
            expect_int(stratum["minimum"], ptr(s_path, "minimum"), 0, MAX_SAFE_INTEGER)

    floor = plan["floor"] if selectors else None
    if floor is not None:
        # §3.1: the floor's name is a text and not the name of a stratum; 0 < n <= d <= 1,000,000.
        f_path = ptr(path, "floor")
        expect_text(floor["name"], ptr(f_path, "name"))
        if floor["name"] in names:
            raise Discrepancy(ptr(f_path, "name"), f"{describe(floor['name'])} is the name of a stratum; the floor's name is not (§3.1)")
        parse_ratio(floor["ratio"], ptr(f_path, "ratio"))

    team_path = ptr(path, "team")
    size = expect_int(plan["team"]["size"], ptr(team_path, "size"), 2, 10)
    departments = expect_texts(plan["team"]["departments"], ptr(team_path, "departments"), "team.departments", may_be_empty=True)
    if len(departments) > size:
        raise Discrepancy(ptr(team_path, "departments"), f"lists {len(departments)} departments for a team of {size} (§3.1)")
    pool = expect_texts(plan["team"]["pool"], ptr(team_path, "pool"), "team.pool", may_be_empty=True)
    for i, department in enumerate(departments):
        if pool and department not in pool:
            raise Discrepancy(ptr(ptr(team_path, "departments"), i), "is not in team.pool (§3.1)")
    # Version 5: each entry's department is a text in team.departments, named by one entry
    # only; its matters are a non-empty list of the plan's matters, and no matter is named by
    # two entries.
    named, claimed = set(), set()
    dm_path = ptr(team_path, "department_matters")
    # One form: entries in the order of team.departments, each entry's matters in the order
    # of the plan's matters (checked after each value is known to be there).
    entries = plan["team"].get("department_matters", ())
    for i, entry in enumerate(plan["team"].get("department_matters", ())):
        entry_path = ptr(dm_path, i)
        department = entry["department"]
        expect_text(department, ptr(entry_path, "department"))
        if department not in departments:
            raise Discrepancy(ptr(entry_path, "department"), f"{describe(department)} is not in team.departments (§3.1)")
        if department in named:
            raise Discrepancy(ptr(entry_path, "department"), f"{describe(department)} is named by an earlier entry (§3.1)")
        named.add(department)
        codes = expect_texts(entry["matters"], ptr(entry_path, "matters"), "a department's matters", item=expect_identifier)
        for j, code in enumerate(codes):
            if code not in plan["matters"]:
                raise Discrepancy(ptr(ptr(entry_path, "matters"), j), f"{describe(code)} is not one of the plan's matters (§3.1)")
            if code in claimed:
                raise Discrepancy(ptr(ptr(entry_path, "matters"), j), f"{describe(code)} is named by another department (§3.1)")
            claimed.add(code)
        if [c for c in plan["matters"] if c in codes] != list(codes):
            raise Discrepancy(ptr(entry_path, "matters"), "does not list its matters in the order of the plan's matters (§3.1)")
    if [d for d in departments if d in named] != [e["department"] for e in entries]:
        raise Discrepancy(dm_path, "does not list its departments in the order of team.departments (§3.1)")
    if entries and not plan["population"]["sectors"]:
        raise Discrepancy(ptr(pop_path, "sectors"), "is empty; a plan whose departments name their own matters names the population's sectors (§3.1)")

    c_path = ptr(path, "constraints")
    for key in ("exclude_inspected_within_days", "no_repeat_pairing_within_days"):
        expect_optional_int(plan["constraints"][key], ptr(c_path, key), 1, 3660)
    expect_optional_int(plan["constraints"]["max_targets_per_officer"], ptr(c_path, "max_targets_per_officer"), 1)

    e_path = ptr(path, "entropy")
    entropy = plan["entropy"]
    if entropy["source"] == "ceremony":
        witnesses = entropy["witnesses"]
        if len(set(witnesses)) < 2:
            raise Discrepancy(ptr(e_path, "witnesses"), "a ceremony has at least 2 distinct witnesses (§3.1)")
        for i, name in enumerate(witnesses):
            w_path = ptr(ptr(e_path, "witnesses"), i)
            expect_text(name, w_path)
            if name in witnesses[:i]:
                raise Discrepancy(w_path, f"{describe(name)} is declared twice (§3.1)")
            for ch in (",", "，", "="):
                if ch in name:
                    raise Discrepancy(w_path, f"{describe(name)} contains {ch!r}; a witness name contains no ',', '，' or '=' (§3.1)")
        expect_int(entropy["digits"], ptr(e_path, "digits"), 1, 100)
    else:
        expect_hex(entropy["chain_hash"], ptr(e_path, "chain_hash"), 32)


def check_stratum_selectors(strata, i, s_path):
    """§3.1, version 4, for stratum i (its grades were checked with the other versions' rules):
    districts and entity_types are texts, levels registration levels, and none of the four
    selector lists names a value twice (each may be empty); split_by names attributes of §5.2
    without repeats (and may be empty); exclusions is "apply" or "ignore"; and no earlier
    stratum shadows this one."""
    stratum = strata[i]
    for key in ("districts", "entity_types"):
        expect_texts(stratum[key], ptr(s_path, key), f"a stratum's {key}", may_be_empty=True)
    for j, level in enumerate(stratum["levels"]):
        if level not in LEVELS:
            raise Discrepancy(
                ptr(ptr(s_path, "levels"), j), f"{describe(level)} is not a registration level: one of {', '.join(LEVELS)} (§3.1, §5.2)"
            )
    expect_distinct(stratum["levels"], ptr(s_path, "levels"), "a stratum's levels", may_be_empty=True)
    for j, attribute in enumerate(stratum["split_by"]):
        if attribute not in SPLIT_ATTRIBUTES:
            raise Discrepancy(
                ptr(ptr(s_path, "split_by"), j), f"{describe(attribute)} is not an attribute of §5.2: one of {', '.join(SPLIT_ATTRIBUTES)} (§3.1)"
            )
    expect_distinct(stratum["split_by"], ptr(s_path, "split_by"), "a stratum's split_by", may_be_empty=True)
    if stratum["exclusions"] not in EXCLUSIONS:
        raise Discrepancy(ptr(s_path, "exclusions"), f"is {describe(stratum['exclusions'])}, expected \"apply\" or \"ignore\" (§3.1)")
    if "lists" in stratum:  # version 5: list names are texts, none twice; may be empty
        expect_texts(stratum["lists"], ptr(s_path, "lists"), "a stratum's lists", may_be_empty=True)
    for k in range(i):
        if shadows(strata[k], stratum):
            raise Discrepancy(
                s_path,
                f"is shadowed by the earlier stratum {k} ({describe(strata[k]['name'])}): for each of grades, districts, "
                "entity_types, levels (and, version 5, lists), that stratum's list is empty or this one's is non-empty "
                "and inside it, so it selects every entity this one selects and this one could never draw any (§3.1)",
            )


def shadows(earlier, later):
    """§3.1: stratum `later` is shadowed by `earlier` when, for each of the four selector lists,
    earlier's list is empty, or later's list is non-empty and every value of it is in earlier's."""
    def covers(a, b):
        return not a or (b and set(b) <= set(a))

    return all(covers(earlier[key], later[key]) for key, _ in SELECTORS) and covers(
        stratum_field(earlier, "lists"), stratum_field(later, "lists")
    )


def check_directory_rules(plan, header, snapshots):
    """§3.2: the plan against the directory, as far as the bundle contains it.

    "Every matter code exists" can only be checked as: header.matters lists exactly the plan's
    matters, in plan order (the matters file itself is not in the bundle)."""
    matters = header["matters"]
    codes = [m["code"] for m in matters]
    for i, code in enumerate(plan["matters"]):
        if i >= len(matters):
            raise Discrepancy(ptr("/commitment/header/matters", i), f"is missing; plan matter {describe(code)} is not listed (§3.2)")
        if codes[i] != code:
            raise Discrepancy(
                ptr(ptr("/commitment/header/matters", i), "code"), f"is {describe(codes[i])}, the plan's matter {i} is {describe(code)} (§3.2)"
            )
    if len(matters) > len(plan["matters"]):
        raise Discrepancy(ptr("/commitment/header/matters", len(plan["matters"])), "is not a matter of the plan (§3.2)")

    matter_sectors = {m["sector"] for m in matters}
    pop_path = "/commitment/header/plan/population/sectors"
    for i, sector in enumerate(plan["population"]["sectors"]):
        if sector not in matter_sectors:
            raise Discrepancy(ptr(pop_path, i), f"{describe(sector)} is not the sector of any matter of the batch (§3.2)")

    for field, key in (("sectors", "sector"), ("entity_types", "type"), ("districts", "district")):
        values = plan["population"][field]
        if not values:
            continue
        present = {e[key] for e in snapshots["entities"]}
        path = f"/commitment/header/plan/population/{field}"
        for i, value in enumerate(values):
            if value not in present:
                raise Discrepancy(ptr(path, i), f"{describe(value)} is the {key} of no entity of the snapshot (§3.2)")

    # Version 4: every value of a stratum's districts, entity_types and levels is the district,
    # type or registration level (§5.2) of at least one entity of the snapshot, of any status.
    # (A plan of versions 1 to 3 has none of these lists.)
    present = {
        attribute: {entity_attributes(e)[attribute] for e in snapshots["entities"]}
        for attribute in ("district", "entity_type", "level")
    }
    for i, stratum in enumerate(plan["strata"]):
        for field, attribute in SELECTORS[1:]:
            s_path = f"/commitment/header/plan/strata/{i}/{field}"
            for j, value in enumerate(stratum.get(field, ())):
                if value not in present[attribute]:
                    name = {"entity_type": "type", "level": "registration level"}.get(attribute, attribute)
                    raise Discrepancy(ptr(s_path, j), f"{describe(value)} is the {name} of no entity of the snapshot (§3.2)")

    # Version 5: the matters a department names are of one sector.
    sector_of = {m["code"]: m["sector"] for m in matters}
    for i, entry in enumerate(plan["team"].get("department_matters", ())):
        if len({sector_of[code] for code in entry["matters"]}) > 1:
            raise Discrepancy(
                f"/commitment/header/plan/team/department_matters/{i}/matters",
                "names matters of several sectors; a department's matters are of one sector (§3.2)",
            )
        # ... and some officer of the department (any status) holds that sector.
        sector = sector_of[entry["matters"][0]]
        if not any(o["department"] == entry["department"] and sector in o["sectors"] for o in snapshots["officers"]):
            raise Discrepancy(
                f"/commitment/header/plan/team/department_matters/{i}",
                f"no officer of {describe(entry['department'])} holds the sector {describe(sector)} of its matters (§3.2)",
            )
    # Version 5: every list record's uscc is the uscc of an entity of the snapshot, and every
    # list a stratum names is the `list` of at least one record of the snapshot.
    usccs = {e["uscc"] for e in snapshots["entities"]}
    for j, record in enumerate(snapshots.get("lists", ())):
        if record["uscc"] not in usccs:
            raise Discrepancy(ptr("/commitment/snapshots/lists", j), f"{record['uscc']} is on a list but is no entity of the snapshot (§3.2)")
    listed = {r["list"] for r in snapshots.get("lists", ())}
    for i, stratum in enumerate(plan["strata"]):
        for j, name in enumerate(stratum.get("lists", ())):
            if name not in listed:
                raise Discrepancy(ptr(f"/commitment/header/plan/strata/{i}/lists", j), f"{describe(name)} is the list of no record of the lists snapshot (§3.2)")

    # "At least one officer (of any status)": whatever his status, card validity or sectors.
    departments_with_officers = {o["department"] for o in snapshots["officers"]}
    dep_path = "/commitment/header/plan/team/departments"
    for i, department in enumerate(plan["team"]["departments"]):
        if department not in departments_with_officers:
            raise Discrepancy(ptr(dep_path, i), f"{describe(department)} has no officer in the snapshot (§3.2)")
    pool_path = "/commitment/header/plan/team/pool"
    for i, department in enumerate(plan["team"]["pool"]):
        if department not in departments_with_officers:
            raise Discrepancy(ptr(pool_path, i), f"{describe(department)} has no officer in the snapshot (§3.2)")

    entropy = plan["entropy"]
    if entropy["source"] == "drand" and entropy["chain_hash"] not in PINNED_CHAINS:
        raise Discrepancy(
            "/commitment/header/plan/entropy/chain_hash", f"{entropy['chain_hash']} is not one of the pinned drand chains (§3.2, §4.1)"
        )


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Snapshots: records, canonical order, digests; header hash (§2.1–§2.4)
# ─────────────────────────────────────────────────────────────────────────────────────────────


# §2.1 record rules, checked in §7.1 step 2 with the canonical order: exactly the listed
# fields, texts and identifiers (§Conventions), valid USCCs, the enumerations, valid dates,
# and lists without repeats.


def check_entity(record, path):
    """§2.1 entities: district, grade (A–D), name, sector, status, type (texts but grade and
    status), uscc."""
    expect_object(record, path, ("district", "grade", "name", "sector", "status", "type", "uscc"))
    for key in ("district", "name", "sector", "type"):
        expect_text(record[key], ptr(path, key))
    expect_one_of(record["grade"], ptr(path, "grade"), GRADES)
    expect_one_of(record["status"], ptr(path, "status"), ENTITY_STATUSES)
    expect_uscc(record["uscc"], ptr(path, "uscc"))


def check_officer(record, path):
    """§2.1 officers: card_no (identifier), department, district (texts), sectors (texts,
    non-empty, no repeats), status, valid_until (date)."""
    expect_object(record, path, ("card_no", "department", "district", "sectors", "status", "valid_until"))
    expect_identifier(record["card_no"], ptr(path, "card_no"))
    for key in ("department", "district"):
        expect_text(record[key], ptr(path, key))
    expect_texts(record["sectors"], ptr(path, "sectors"), "an officer's sectors")
    expect_one_of(record["status"], ptr(path, "status"), OFFICER_STATUSES)
    expect_date(record["valid_until"], ptr(path, "valid_until"))


def check_recusal(record, path):
    """§2.1 recusals: card_no (identifier), uscc."""
    expect_object(record, path, ("card_no", "uscc"))
    expect_identifier(record["card_no"], ptr(path, "card_no"))
    expect_uscc(record["uscc"], ptr(path, "uscc"))


def check_history(record, path):
    """§2.1 history: date, matter (identifier), officers (card numbers, non-empty, no
    repeats), uscc."""
    expect_object(record, path, ("date", "matter", "officers", "uscc"))
    expect_date(record["date"], ptr(path, "date"))
    expect_identifier(record["matter"], ptr(path, "matter"))
    expect_texts(record["officers"], ptr(path, "officers"), "a history record's officers", item=expect_identifier)
    expect_uscc(record["uscc"], ptr(path, "uscc"))


def check_list_record(record, path):
    """§2.1 lists (version 5): list (text), uscc."""
    expect_object(record, path, ("list", "uscc"))
    expect_text(record["list"], ptr(path, "list"))
    expect_uscc(record["uscc"], ptr(path, "uscc"))


# §2.2: (record check, sort key, whether equal keys may repeat, what the key is called)
SNAPSHOT_RULES = {
    "entities": (check_entity, lambda r: r["uscc"], False, "uscc"),
    "officers": (check_officer, lambda r: r["card_no"], False, "card_no"),
    "recusals": (check_recusal, lambda r: (r["card_no"], r["uscc"]), False, "(card_no, uscc)"),
    # Python compares lists element by element with a prefix first, and str by code point,
    # which is the UTF-8 byte order of §Conventions.
    "history": (check_history, lambda r: (r["uscc"], r["date"], r["matter"], r["officers"]), True, "(uscc, date, matter, officers)"),
    "lists": (check_list_record, lambda r: (r["uscc"], r["list"]), False, "(uscc, list)"),
}


def check_snapshot_order(name, records, path):
    """§2.1 record shapes and §2.2 canonical order (strictly increasing, or non-decreasing for
    history where identical records may repeat)."""
    check_record, key, may_repeat, key_name = SNAPSHOT_RULES[name]
    previous = None
    for i, record in enumerate(expect_list(records, path)):
        check_record(record, ptr(path, i))
        current = key(record)
        if previous is not None:
            if current < previous:
                raise Discrepancy(ptr(path, i), f"is not in canonical order: its {key_name} sorts before the previous record's (§2.2)")
            if current == previous and not may_repeat:
                raise Discrepancy(ptr(path, i), f"repeats the {key_name} of the previous record (§2.2)")
        previous = current


def snapshot_digest(records):
    """§2.3: {"count": n, "sha256": SHA-256(J(r1) ‖ 0x0A ‖ … ‖ J(rn) ‖ 0x0A)}."""
    h = hashlib.sha256()
    for record in records:
        h.update(canonical_json(record) + b"\n")
    return {"count": len(records), "sha256": h.hexdigest()}


def check_snapshots(commitment):
    """§2.2 and §2.3 for every snapshot (lists from version 5 on): order, then count and digest
    against the header."""
    names = SNAPSHOT_NAMES + (("lists",) if has_lists(commitment["header"]["spec_version"]) else ())
    snapshots = expect_object(commitment["snapshots"], "/commitment/snapshots", names)
    declared = expect_object(commitment["header"]["snapshots"], "/commitment/header/snapshots", names)
    for name in names:
        check_snapshot_order(name, snapshots[name], ptr("/commitment/snapshots", name))
    for name in names:
        d_path = ptr("/commitment/header/snapshots", name)
        expect_object(declared[name], d_path, ("count", "sha256"))
        actual = snapshot_digest(snapshots[name])
        for field in ("count", "sha256"):
            if declared[name][field] != actual[field] or type(declared[name][field]) is not type(actual[field]):
                raise Discrepancy(
                    ptr(d_path, field),
                    f"is {describe(declared[name][field])}, but the {name} snapshot gives {describe(actual[field])} (§2.3)",
                )
    if "lists" in names:
        # §2.4, version 5: the lists source has one row per record of the lists snapshot, and
        # an empty table has the content hash of its header line (§2.5).
        source = commitment["header"]["sources"][5]
        if source["rows"] != len(snapshots["lists"]):
            raise Discrepancy(
                "/commitment/header/sources/5/rows",
                f"is {source['rows']}, but the lists snapshot has {len(snapshots['lists'])} records (§2.4)",
            )
        empty = hashlib.sha256(b"uscc,list,listed_on,reason\n").hexdigest()
        if not snapshots["lists"] and source["sha256"] != empty:
            raise Discrepancy("/commitment/header/sources/5/sha256", f"is not {empty}, the content hash of an empty lists table (§2.4, §2.5)")
    return snapshots


def commitment_hash(header):
    """§2.4: H = SHA-256(JCS(header)), as 64 hex digits."""
    return hashlib.sha256(canonical_json(header)).hexdigest()


def check_header_hash(commitment, expect_commitment):
    """§2.4 and the end of §7.1: `hash` is SHA-256(JCS(header)), and (if given) the hash that
    was published before the draw."""
    expect_hex(commitment["hash"], "/commitment/hash", 32)
    actual = commitment_hash(commitment["header"])
    if commitment["hash"] != actual:
        raise Discrepancy("/commitment/hash", f"is {commitment['hash']}, but SHA-256(JCS(header)) is {actual} (§2.4)")
    if expect_commitment is not None and commitment["hash"] != expect_commitment:
        raise Discrepancy(
            "/commitment/hash", f"is {commitment['hash']}, not the commitment published before the draw, {expect_commitment} (§7.1)"
        )


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Entropy against the declaration, and the seed (§4.1, §4.2, §7.1 steps 3 and 4)
# ─────────────────────────────────────────────────────────────────────────────────────────────


def check_entropy(entropy, plan_entropy):
    """§7.1 step 3: the entropy matches the plan's declaration. Returns (E, notes).

    Ceremony: one contribution per declared witness, in declared order, each `digits` exactly
    plan.entropy.digits ASCII characters 0–9.
    drand: the declared round; signatures in lowercase hex, `previous_signature` present for a
    chained scheme and null for an unchained one (§4.1); E is built from the signature as
    given. The BLS signature is NOT verified here: §4.1 names the pinned keys and schemes, but
    the check needs BLS12-381 pairings, which the standard library does not provide;
    `shuangsui verify` checks it.
    """
    source = plan_entropy["source"]
    expect_object(entropy, "/entropy", (source,))
    path = ptr("/entropy", source)
    if source == "ceremony":
        expect_object(entropy["ceremony"], path, ("contributions",))
        c_path = ptr(path, "contributions")
        contributions = expect_list(entropy["ceremony"]["contributions"], c_path)
        witnesses, digits = plan_entropy["witnesses"], plan_entropy["digits"]
        pairs = []
        for i, contribution in enumerate(contributions):
            i_path = ptr(c_path, i)
            expect_object(contribution, i_path, ("digits", "witness"))
            if i >= len(witnesses):
                raise Discrepancy(i_path, f"is a contribution beyond the {len(witnesses)} declared witnesses (§7.1)")
            if contribution["witness"] != witnesses[i]:
                raise Discrepancy(
                    ptr(i_path, "witness"), f"is {describe(contribution['witness'])}, declared witness {i} is {describe(witnesses[i])} (§7.1)"
                )
            value = expect_str(contribution["digits"], ptr(i_path, "digits"))
            if len(value) != digits or not ASCII_DIGITS.fullmatch(value):
                raise Discrepancy(ptr(i_path, "digits"), f"{describe(value)} is not exactly {digits} digits 0-9 (§4.1)")
            pairs.append((contribution["witness"], value))
        if len(pairs) < len(witnesses):
            raise Discrepancy(ptr(c_path, len(pairs)), f"is missing: no contribution from {describe(witnesses[len(pairs)])} (§7.1)")
        return ceremony_encoding(pairs), []

    drand = expect_object(entropy["drand"], path, ("previous_signature", "round", "signature"))
    expect_int(drand["round"], ptr(path, "round"))
    if drand["round"] != plan_entropy["round"]:
        raise Discrepancy(ptr(path, "round"), f"is {drand['round']}, the plan declares round {plan_entropy['round']} (§7.1)")
    # SPEC GAP: §4.1 does not state the signatures' lengths in bytes (a wrong length is left to
    # the BLS check, which this verifier does not make).
    signature = bytes.fromhex(expect_hex(drand["signature"], ptr(path, "signature")))
    chain, chained = PINNED_CHAINS[plan_entropy["chain_hash"]]
    if chained:
        if drand["previous_signature"] is None:
            raise Discrepancy(
                ptr(path, "previous_signature"), f"is null; the {chain} chain is chained, so the previous signature is required (§4.1)"
            )
        expect_hex(drand["previous_signature"], ptr(path, "previous_signature"))
    elif drand["previous_signature"] is not None:
        raise Discrepancy(ptr(path, "previous_signature"), f"is not null; the {chain} chain is unchained (§4.1)")
    note = (
        f"drand round {drand['round']}: the seed was re-derived from the signature as given, but the BLS "
        "signature itself is NOT checked by this stdlib-only verifier; run `shuangsui verify` to check it "
        "against the pinned chain key (§7.1 step 3)"
    )
    return drand_encoding(plan_entropy["chain_hash"], drand["round"], signature), [note]


def check_seed(bundle, entropy_encoding):
    """§7.1 step 4: recompute the seed (§4.2) and compare."""
    header = bundle["commitment"]["header"]
    seed = derive_seed(bundle["commitment"]["hash"], entropy_encoding, header["spec_version"])
    expect_hex(bundle["seed"], "/seed", 32)
    if bundle["seed"] != seed.hex():
        raise Discrepancy("/seed", f"is {bundle['seed']}, but §4.2 gives {seed.hex()}")
    return seed


# ─────────────────────────────────────────────────────────────────────────────────────────────
# The draw: target selection (§5) and team assignment (§6)
# ─────────────────────────────────────────────────────────────────────────────────────────────


def draw_sectors(plan, header):
    """§5.1: S = plan.population.sectors, or the sectors of the batch's matters if empty."""
    return set(plan["population"]["sectors"]) or {m["sector"] for m in header["matters"]}


def in_population(entity, plan, sectors):
    """§5.2: sector in S; type, district in their lists (empty = any); status in statuses
    (never empty, §3.1)."""
    population = plan["population"]
    return (
        entity["sector"] in sectors
        and (not population["entity_types"] or entity["type"] in population["entity_types"])
        and (not population["districts"] or entity["district"] in population["districts"])
        and entity["status"] in population["statuses"]
    )


def registration_level(authority):
    """§5.2: the registration level read from the form of the authority code: 部级 for 100000,
    otherwise 省级 if it ends in 0000, otherwise 地市级 if it ends in 00, otherwise 县级."""
    if authority == "100000":
        return "部级"
    if authority.endswith("0000"):
        return "省级"
    if authority.endswith("00"):
        return "地市级"
    return "县级"


def memberships(snapshots):
    """§5.2, version 5: the lists each entity is on, by uscc (none before version 5)."""
    on = {}
    for record in snapshots.get("lists", ()):
        on.setdefault(record["uscc"], set()).add(record["list"])
    return on


def entity_attributes(entity, on_lists=None):
    """§5.2: the attributes of an entity record: grade, district, entity_type (its `type`),
    authority (characters 3 to 8 of its uscc) and level (read from authority); and the lists
    it is on (version 5, from `memberships`; not an attribute to split by)."""
    authority = entity["uscc"][2:8]
    return {
        "grade": entity["grade"],
        "district": entity["district"],
        "entity_type": entity["type"],
        "authority": authority,
        "level": registration_level(authority),
        "lists": (on_lists or {}).get(entity["uscc"], set()),
    }


def stratum_field(stratum, key):
    """A version 4 stratum field, or (versions 1 to 3, where it is absent) what its absence means."""
    return stratum.get(key, STRATUM_DEFAULTS[key])


def selects(stratum, attributes):
    """§5.2: the entity's grade is in the stratum's grades, its district in districts, its
    entity_type in entity_types and its level in levels, and (version 5) it is on at least
    one of the stratum's lists; an empty (or, in earlier versions, absent) list selects any
    value."""
    for key, attribute in SELECTORS:
        values = stratum["grades"] if key == "grades" else stratum_field(stratum, key)
        if values and attributes[attribute] not in values:
            return False
    lists = stratum_field(stratum, "lists")
    return not lists or any(name in attributes["lists"] for name in lists)


def first_stratum(plan, attributes):
    """§5.2: the index of the first stratum, in plan order, that selects the entity, or None."""
    return next((i for i, stratum in enumerate(plan["strata"]) if selects(stratum, attributes)), None)


def excluded_entities(plan, history):
    """§5.4: USCCs with a history record of a plan matter dated after inspection_date − N days
    (when exclude_inspected_within_days = N is set) or in the calendar year of inspection_date
    (when exclude_inspected_in_year is true, version 4; absent in versions 1 to 3)."""
    constraints = plan["constraints"]
    days = constraints["exclude_inspected_within_days"]
    in_year = constraints.get("exclude_inspected_in_year", False)
    cutoff = days_before(plan["inspection_date"], days) if days is not None else None
    year = plan["inspection_date"][:4]
    matters = set(plan["matters"])
    return {
        h["uscc"]
        for h in history
        if h["matter"] in matters and ((cutoff is not None and h["date"] > cutoff) or (in_year and h["date"][:4] == year))
    }


def stratum_size(population_count, stratum):
    """§5.5: 0 for an empty part, else the max of ⌈P·n/d⌉, count and minimum (those given)."""
    if population_count == 0:
        return 0
    candidates = []
    if stratum["ratio"] is not None:
        n, d = parse_ratio(stratum["ratio"], "")
        candidates.append(-(-population_count * n // d))  # exact ceiling
    if stratum["count"] is not None:
        candidates.append(stratum["count"])
    if stratum["minimum"] is not None:
        candidates.append(stratum["minimum"])
    return max(candidates)


def floor_size(population_count, drawn_count, ratio):
    """§5.7: need = ⌈P·n/d⌉ (0 if P = 0); size = need − D if need > D, else 0."""
    n, d = parse_ratio(ratio, "")
    need = -(-population_count * n // d) if population_count else 0
    return max(need - drawn_count, 0)


def part_name(stratum_name, values):
    """§5.3: the stratum's name, （, the part's values joined by 、, and ）."""
    return stratum_name + "\uff08" + "\u3001".join(values) + "\uff09"


def draw_parts(plan, header, entities, on_lists=None):
    """§5.2 and §5.3: (population, parts). population: the entities of the population, in
    canonical order. parts: in draw order (strata in plan order, each stratum's parts in the
    order of their values), each {"stratum": index, "values": the split_by values (None when
    the stratum is not split), "name", "label" (its stream), "entities" (canonical order)}."""
    sectors = draw_sectors(plan, header)
    population = [e for e in entities if in_population(e, plan, sectors)]
    members = [[] for _ in plan["strata"]]
    for entity in population:
        attributes = entity_attributes(entity, on_lists)
        i = first_stratum(plan, attributes)
        if i is not None:
            members[i].append((entity, attributes))
    parts = []
    for i, stratum in enumerate(plan["strata"]):
        split_by = stratum_field(stratum, "split_by")
        if not split_by:
            parts.append(
                {"stratum": i, "values": None, "name": stratum["name"], "label": f"stratum/{i}", "entities": [e for e, _ in members[i]]}
            )
            continue
        groups = {}
        for entity, attributes in members[i]:
            groups.setdefault(tuple(attributes[a] for a in split_by), []).append(entity)
        # Python compares str by code point, which is the UTF-8 byte order (§Conventions), and
        # tuples element by element; all tuples of one stratum have len(split_by) elements.
        for j, values in enumerate(sorted(groups)):
            parts.append(
                {
                    "stratum": i,
                    "values": values,
                    "name": part_name(stratum["name"], values),
                    "label": f"stratum/{i}/{j}",
                    "entities": groups[values],
                }
            )
    return population, parts


def select_targets(plan, header, snapshots, seed):
    """§5: per part (§5.3; strata in plan order, then the floor of §5.7) the population count,
    size, eligible pool and the targets chosen with the part's stream. Returns a list of dicts
    without teams yet."""
    population, parts = draw_parts(plan, header, snapshots["entities"], memberships(snapshots))
    excluded = excluded_entities(plan, snapshots["history"])
    results = []
    drawn = set()
    for part in parts:
        stratum = plan["strata"][part["stratum"]]
        applies = stratum_field(stratum, "exclusions") == "apply"  # §5.4
        members = part["entities"]
        pool = [e for e in members if not (applies and e["uscc"] in excluded)]  # canonical (USCC) order
        size = stratum_size(len(members), stratum)
        k = min(size, len(pool))
        targets = choose(stream_for(seed, part["label"]), pool, k)
        drawn.update(e["uscc"] for e in targets)
        results.append(
            {
                "name": part["name"],
                "population": len(members),
                "eligible": len(pool),
                "excluded": len(members) - len(pool),
                "size": size,
                "shortfall": size - k,
                "targets": targets,
            }
        )
    floor = plan.get("floor")
    if floor is not None:
        # §5.7: the exclusion rules apply to every entity here, whatever its stratum's `exclusions`.
        size = floor_size(len(population), len(drawn), floor["ratio"])
        pool = [e for e in population if e["uscc"] not in drawn and e["uscc"] not in excluded]
        k = min(size, len(pool))
        targets = choose(stream_for(seed, "floor"), pool, k)
        results.append(
            {
                "name": floor["name"],
                "population": len(population),
                "eligible": len(pool),
                "excluded": len(population) - len(drawn) - len(pool),
                "size": size,
                "shortfall": size - k,
                "targets": targets,
            }
        )
    return results


def qualified_officers(plan, officers, sector):
    """§6.1: status 在岗, valid_until ≥ inspection_end (versions 1 and 2: inspection_date),
    sector in sectors, department in team.pool when the pool is not empty; canonical order."""
    date = cards_valid_through(plan)
    pool = plan["team"]["pool"]
    return [
        o for o in officers
        if o["status"] == ON_DUTY and o["valid_until"] >= date and sector in o["sectors"]
        and (not pool or o["department"] in pool)
    ]


def conflicts_of(plan, snapshots, entity):
    """§6.1: card numbers with a recusal for the entity, plus (if W is set) officers listed in a
    history record of the entity (any matter) dated after inspection_date − W days."""
    cards = {r["card_no"] for r in snapshots["recusals"] if r["uscc"] == entity["uscc"]}
    window = plan["constraints"]["no_repeat_pairing_within_days"]
    if window is not None:
        cutoff = days_before(plan["inspection_date"], window)
        for h in snapshots["history"]:
            if h["uscc"] == entity["uscc"] and h["date"] > cutoff:
                cards.update(h["officers"])
    return cards


def staff_target(plan, header, snapshots, entity, load, stream):
    """§6.2 for one target: fill slots 0 … size−1 in order. Returns (team, unstaffed)."""
    size = plan["team"]["size"]
    departments = plan["team"]["departments"]
    cap = plan["constraints"]["max_targets_per_officer"]
    cross_district = plan["constraints"]["cross_district"]
    conflicts = conflicts_of(plan, snapshots, entity)
    team = []
    for slot in range(size):
        department = departments[slot] if slot < len(departments) else None
        qualified = qualified_officers(plan, snapshots["officers"], slot_sector(plan, header, slot, entity))
        # The three nested lists are the three counts of §6.3; the last one is "candidates".
        of_slot = [o for o in qualified if o["card_no"] not in team and (department is None or o["department"] == department)]
        after_conflicts = [
            o
            for o in of_slot
            if not (cross_district and o["district"] == entity["district"]) and o["card_no"] not in conflicts
        ]
        candidates = [o for o in after_conflicts if cap is None or load.get(o["card_no"], 0) < cap]
        if not candidates:
            unstaffed = {"after_conflicts": len(after_conflicts), "department": department, "qualified": len(of_slot), "slot": slot}
            return [], unstaffed  # §6.2: team empty, no load change, consumed words stay consumed
        team.append(candidates[below(stream, len(candidates))]["card_no"])
    for card in team:
        load[card] = load.get(card, 0) + 1
    return team, None


def recompute_draw(plan, header, snapshots, seed):
    """§5 then §6: the `draw` object of §7 exactly as the bundle must contain it."""
    strata = select_targets(plan, header, snapshots, seed)
    teams_stream = stream_for(seed, "teams")
    load = {}
    draw = {"strata": []}
    for stratum in strata:  # §6.2 global draw order: the first part's targets in draw order, then the second's, …
        targets = []
        for entity in stratum["targets"]:
            team, unstaffed = staff_target(plan, header, snapshots, entity, load, teams_stream)
            targets.append({"team": team, "unstaffed": unstaffed, "uscc": entity["uscc"]})
        draw["strata"].append(dict(stratum, targets=targets))
    return draw


def compare_json(expected, actual, path):
    """§7.1 step 5: raise at the first place where the bundle differs from the recomputation.
    Types are compared strictly (in Python, True == 1)."""
    if isinstance(expected, dict):
        expect_object(actual, path, expected.keys())
        for key in sorted(expected):
            compare_json(expected[key], actual[key], ptr(path, key))
    elif isinstance(expected, list):
        expect_list(actual, path)
        for i in range(min(len(expected), len(actual))):
            compare_json(expected[i], actual[i], ptr(path, i))
        if len(actual) != len(expected):
            raise Discrepancy(path, f"has {len(actual)} elements, the recomputed draw has {len(expected)}")
    elif type(actual) is not type(expected) or actual != expected:
        raise Discrepancy(path, f"is {describe(actual)}, the recomputed draw has {describe(expected)}")


# ─────────────────────────────────────────────────────────────────────────────────────────────
# §7.1 step 6: every rule re-checked on the result itself
# ─────────────────────────────────────────────────────────────────────────────────────────────


class _Facts:
    """Lookups for the re-check of §7.1 step 6, built straight from the snapshots."""

    def __init__(self, plan, header, snapshots):
        self.plan = plan
        self.header = header
        self.on_lists = memberships(snapshots)
        self.date = plan["inspection_date"]
        self.cards_through = cards_valid_through(plan)
        self.constraints = plan["constraints"]
        self.team = plan["team"]
        self.history = snapshots["history"]
        self.entities = {e["uscc"]: e for e in snapshots["entities"]}
        self.officers = {o["card_no"]: o for o in snapshots["officers"]}
        self.recusals = {(r["card_no"], r["uscc"]) for r in snapshots["recusals"]}
        self.sectors = draw_sectors(plan, header)


def recheck_part_counts(part, expected, rule, stratum, path):
    """Step 6, "sizes" (per part): name and population of the part (§5.3), size rule (§5.5) and
    the counts of §5.6 agree with each other."""
    if stratum["name"] != expected["name"]:
        raise Discrepancy(ptr(path, "name"), f"is {describe(stratum['name'])}, the part at this index is {describe(expected['name'])} (§5.3, §7)")
    if stratum["population"] != len(part):
        raise Discrepancy(ptr(path, "population"), f"is {stratum['population']}, the part has {len(part)} entities (§5.3, §5.5)")
    if stratum["size"] != stratum_size(stratum["population"], rule):
        raise Discrepancy(ptr(path, "size"), "does not follow from population and the stratum's rule (§5.5)")
    if stratum["population"] - stratum["excluded"] != stratum["eligible"]:
        raise Discrepancy(ptr(path, "eligible"), "is not population − excluded (§5.6)")
    recheck_target_count(stratum, path, "§5.6")


def recheck_floor_counts(plan, population, drawn_count, stratum, path):
    """Step 6, "sizes" for the floor (§5.7): its name, P the whole population, size = need − D
    (or 0), eligible + excluded = P − D, and the number of targets."""
    floor = plan["floor"]
    if stratum["name"] != floor["name"]:
        raise Discrepancy(ptr(path, "name"), f"is {describe(stratum['name'])}, the floor is named {describe(floor['name'])} (§5.7)")
    if stratum["population"] != len(population):
        raise Discrepancy(ptr(path, "population"), f"is {stratum['population']}, the population has {len(population)} entities (§5.7)")
    size = floor_size(stratum["population"], drawn_count, floor["ratio"])
    if stratum["size"] != size:
        raise Discrepancy(
            ptr(path, "size"), f"is {stratum['size']}, but ⌈P × {floor['ratio']}⌉ − D with D = {drawn_count} targets of the strata gives {size} (§5.7)"
        )
    if stratum["population"] - drawn_count - stratum["excluded"] != stratum["eligible"]:
        raise Discrepancy(ptr(path, "eligible"), "is not population − D − excluded (§5.7)")
    recheck_target_count(stratum, path, "§5.7")


def recheck_target_count(stratum, path, section):
    n = len(stratum["targets"])
    if n + stratum["shortfall"] != stratum["size"] or n != min(stratum["size"], stratum["eligible"]):
        raise Discrepancy(ptr(path, "targets"), f"the number of targets is not min(size, eligible) with the shortfall the rest ({section})")


def recheck_target_entity(facts, uscc, drawn, path):
    """Step 6, "distinct targets": a known entity, not drawn before. Returns the entity."""
    entity = facts.entities.get(uscc)
    if entity is None:
        raise Discrepancy(path, "is not an entity of the snapshot")
    if uscc in drawn:
        raise Discrepancy(path, "was already drawn")
    drawn.add(uscc)
    return entity


def recheck_in_part(facts, part, entity, path):
    """Step 6, "of the right strata": the target is in the population, the first stratum that
    selects it is the part's (§5.2), its split_by values are the part's (§5.3), and it is not
    excluded if its stratum applies the exclusion rules (§5.4)."""
    i = part["stratum"]
    rule = facts.plan["strata"][i]
    attributes = entity_attributes(entity, facts.on_lists)
    if not in_population(entity, facts.plan, facts.sectors) or first_stratum(facts.plan, attributes) != i:
        raise Discrepancy(path, f"is not in this stratum's population: stratum {i} is not the first stratum that selects it (§5.2)")
    if part["values"] is not None:
        values = tuple(attributes[a] for a in stratum_field(rule, "split_by"))
        if values != part["values"]:
            raise Discrepancy(path, f"is not in this part: its values of split_by are {'、'.join(values)} (§5.3)")
    if stratum_field(rule, "exclusions") == "apply":
        recheck_not_excluded(facts, entity, path)


def recheck_not_excluded(facts, entity, path):
    """§5.4, written out again from the history: no record of a plan matter for the entity in the
    rolling window or (version 4) in the calendar year of the inspection date."""
    days = facts.constraints["exclude_inspected_within_days"]
    cutoff = days_before(facts.date, days) if days is not None else None
    in_year = facts.constraints.get("exclude_inspected_in_year", False)
    for h in facts.history:
        if h["uscc"] != entity["uscc"] or h["matter"] not in facts.plan["matters"]:
            continue
        if cutoff is not None and h["date"] > cutoff:
            raise Discrepancy(path, f"was inspected within the exclusion window, on {h['date']} (§5.4)")
        if in_year and h["date"][:4] == facts.date[:4]:
            raise Discrepancy(path, f"was inspected in the calendar year of the inspection date, on {h['date']} (§5.4)")


def recheck_unstaffed(facts, target, path):
    """Step 6 for an unstaffed target (§6.2, §6.3): empty team and a plausible explanation."""
    unstaffed = target["unstaffed"]
    if target["team"]:
        raise Discrepancy(ptr(path, "team"), "is not empty, but the target is unstaffed (§6.2)")
    u_path = ptr(path, "unstaffed")
    slot = unstaffed["slot"]
    if type(slot) is not int or not 0 <= slot < facts.team["size"]:
        raise Discrepancy(ptr(u_path, "slot"), "is not a slot of the team (§6.3)")
    if unstaffed["after_conflicts"] > unstaffed["qualified"]:
        raise Discrepancy(ptr(u_path, "after_conflicts"), "exceeds `qualified` (§6.3)")
    if facts.constraints["max_targets_per_officer"] is None and unstaffed["after_conflicts"] != 0:
        raise Discrepancy(ptr(u_path, "after_conflicts"), "without a cap every such officer is a candidate (§6.3)")


def recheck_member(facts, entity, team, k, load, path):
    """Step 6 for team member k: distinct, qualified, card valid, no recusal, cross-district,
    no-repeat window, slot department and workload cap (§6.1, §6.2)."""
    card = team[k]
    officer = facts.officers.get(card)
    name = describe(card)
    if officer is None:
        raise Discrepancy(path, f"{name} is not an officer of the snapshot")
    if card in team[:k]:
        raise Discrepancy(path, f"{name} is already on this team")
    sector = slot_sector(facts.plan, facts.header, k, entity)
    if officer["status"] != ON_DUTY or sector not in officer["sectors"]:
        raise Discrepancy(path, f"{name} is not qualified for {describe(sector)} (§6.1)")
    if officer["valid_until"] < facts.cards_through:
        raise Discrepancy(path, f"{name}'s card expires before the inspection date (§6.1)")
    if facts.team["pool"] and officer["department"] not in facts.team["pool"]:
        raise Discrepancy(path, f"{name} is not of a department in team.pool (§6.1)")
    if (card, entity["uscc"]) in facts.recusals:
        raise Discrepancy(path, f"{name} has a recusal for this entity (§6.1)")
    if facts.constraints["cross_district"] and officer["district"] == entity["district"]:
        raise Discrepancy(path, f"{name} is of the entity's district (§6.2)")
    window = facts.constraints["no_repeat_pairing_within_days"]
    if window is not None:
        cutoff = days_before(facts.date, window)
        if any(h["uscc"] == entity["uscc"] and h["date"] > cutoff and card in h["officers"] for h in facts.history):
            raise Discrepancy(path, f"{name} inspected this entity within the no-repeat window (§6.1)")
    departments = facts.team["departments"]
    if k < len(departments) and officer["department"] != departments[k]:
        raise Discrepancy(path, f"{name} is not of department {describe(departments[k])} (§6.2)")
    load[card] = load.get(card, 0) + 1
    cap = facts.constraints["max_targets_per_officer"]
    if cap is not None and load[card] > cap:
        raise Discrepancy(path, f"{name} is on more than {cap} teams (§6.2)")


def recheck_result(plan, header, snapshots, draw):
    """§7.1 step 6: distinct targets of the right parts, sizes, team size, distinct members,
    qualification, card validity, recusal, cross-district, no-repeat window, departments and
    workload cap, checked on the bundle's draw directly (not through the recomputation). The
    parts (§5.3) are derived from the plan and the snapshot, without the streams; the floor's
    targets (§5.7) are population entities not drawn in a stratum and not excluded."""
    facts = _Facts(plan, header, snapshots)
    population, parts = draw_parts(plan, header, snapshots["entities"], memberships(snapshots))
    floor = plan.get("floor")
    expected = len(parts) + (floor is not None)
    if len(draw["strata"]) != expected:
        raise Discrepancy(
            "/draw/strata",
            f"has {len(draw['strata'])} parts, the plan and the snapshot give {len(parts)} parts of strata"
            f"{' and the floor' if floor is not None else ''} (§5.3, §5.7, §7)",
        )
    drawn, load = set(), {}
    for i, stratum in enumerate(draw["strata"]):
        s_path = ptr("/draw/strata", i)
        is_floor = i == len(parts)
        if is_floor:
            recheck_floor_counts(plan, population, len(drawn), stratum, s_path)
        else:
            recheck_part_counts(parts[i]["entities"], parts[i], plan["strata"][parts[i]["stratum"]], stratum, s_path)
        for j, target in enumerate(stratum["targets"]):
            t_path = ptr(ptr(s_path, "targets"), j)
            u_path = ptr(t_path, "uscc")
            entity = recheck_target_entity(facts, target["uscc"], drawn, u_path)
            if is_floor:
                if not in_population(entity, plan, facts.sectors):
                    raise Discrepancy(u_path, "is not in the population; the floor draws from the population (§5.7)")
                recheck_not_excluded(facts, entity, u_path)  # every entity here, whatever its stratum (§5.7)
            else:
                recheck_in_part(facts, parts[i], entity, u_path)
            if target["unstaffed"] is not None:
                recheck_unstaffed(facts, target, t_path)
                continue
            if len(target["team"]) != facts.team["size"]:
                raise Discrepancy(ptr(t_path, "team"), f"has {len(target['team'])} members, team.size is {facts.team['size']}")
            for k in range(len(target["team"])):
                recheck_member(facts, entity, target["team"], k, load, ptr(ptr(t_path, "team"), k))


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Exports: a bundle with the log's evidence (docs/LOG.md, "Exported bundles")
# ─────────────────────────────────────────────────────────────────────────────────────────────

EXPORT_PREFIX = b'{"bundle":'
EXPORT_MIDDLE = b',"format":"shuangsui-export/1","log":'
SNAPSHOT_TABLES = ("entities", "officers", "matters", "recusals", "history", "lists")  # LOG.md, directory.snapshot
OPTIONAL_SNAPSHOT_TABLE = "lists"  # LOG.md: named by batch.committed only when a lists table was imported


def split_export(raw, filename):
    """LOG.md step 1: (bundle bytes, log bytes), or None when raw is not an export (a bare
    bundle). Raises Unreadable for an export cut short."""
    if not raw.startswith(EXPORT_PREFIX):
        return None
    at = raw.rfind(EXPORT_MIDDLE)
    if at < 0:
        raise Unreadable(f'{filename}: an export without its "log" part')
    if not raw.endswith(b"}") or at + len(EXPORT_MIDDLE) >= len(raw):
        raise Unreadable(f'{filename}: an export that does not end after its "log" part')
    return raw[len(EXPORT_PREFIX):at], raw[at + len(EXPORT_MIDDLE):-1]


# Ed25519 signature verification, RFC 8032 §5.1 (the reference algorithm, cofactorless).
ED_P = 2**255 - 19
ED_L = 2**252 + 27742317777372353535851937790883648493
ED_D = -121665 * pow(121666, ED_P - 2, ED_P) % ED_P
ED_SQRT_M1 = pow(2, (ED_P - 1) // 4, ED_P)


def _ed_x(y, sign):
    if y >= ED_P:
        return None
    x2 = (y * y - 1) * pow(ED_D * y * y + 1, ED_P - 2, ED_P) % ED_P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (ED_P + 3) // 8, ED_P)
    if (x * x - x2) % ED_P:
        x = x * ED_SQRT_M1 % ED_P
    if (x * x - x2) % ED_P:
        return None
    return ED_P - x if (x & 1) != sign else x


def _ed_point(b):
    """Decode a 32-byte point to extended coordinates (X, Y, Z, T), or None."""
    y = int.from_bytes(b, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _ed_x(y, sign)
    return None if x is None else (x, y, 1, x * y % ED_P)


def _ed_add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % ED_P
    b = (p[1] + p[0]) * (q[1] + q[0]) % ED_P
    c = 2 * p[3] * q[3] * ED_D % ED_P
    d = 2 * p[2] * q[2] % ED_P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % ED_P, g * h % ED_P, f * g % ED_P, e * h % ED_P)


def _ed_mul(n, p):
    q = (0, 1, 1, 0)
    while n:
        if n & 1:
            q = _ed_add(q, p)
        p = _ed_add(p, p)
        n >>= 1
    return q


def _ed_same(p, q):
    return (p[0] * q[2] - q[0] * p[2]) % ED_P == 0 and (p[1] * q[2] - q[1] * p[2]) % ED_P == 0


ED_BASE = _ed_point((4 * pow(5, ED_P - 2, ED_P) % ED_P).to_bytes(32, "little"))


def ed25519_verify(public, message, signature):
    """RFC 8032 §5.1.7: [S]B = R + [SHA-512(R ‖ A ‖ M)]A."""
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _ed_point(public), _ed_point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= ED_L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % ED_L
    return _ed_same(_ed_mul(s, ED_BASE), _ed_add(r, _ed_mul(k, a)))


def parse_verifier_key(text, path, key_type=1):
    """LOG.md: `<name>+<8 hex key hash>+<base64(0x01 ‖ 32-byte key)>`; the key hash is the first
    4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key). A witness's cosignature key has type 0x04
    in place of 0x01 (C2SP tlog-cosignature)."""
    parts = text.split("+", 2) if isinstance(text, str) else []
    if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise Discrepancy(path, f"{describe(text)} is not a verifier key <name>+<8 hex digits>+<base64 key>")
    name, key_hash, encoded = parts
    try:
        blob = base64.b64decode(encoded, validate=True)
    except ValueError:
        blob = b""
    if len(blob) != 33 or blob[0] != key_type:
        raise Discrepancy(path, f"the key is not base64 of 0x{key_type:02x} and a 32-byte Ed25519 key")
    if sha256(name.encode("utf-8") + b"\n" + blob)[:4].hex() != key_hash:
        raise Discrepancy(path, f"key hash {key_hash} does not match the key")
    return name, key_hash, blob[1:]


def open_checkpoint(note, key):
    """LOG.md: a C2SP signed note; the text before the blank line must carry a valid signature
    line `— <name> <base64(4-byte key hash ‖ signature)>` of `key`. Returns (origin, size, root)."""
    name, key_hash, public = key
    path = "/log/checkpoint"
    split = note.rfind("\n\n") if isinstance(note, str) else -1
    if split < 0 or not note.endswith("\n"):
        raise Discrepancy(path, "not a signed note (text, a blank line, signature lines)")
    text, lines = note[: split + 1], note[split + 2 :].split("\n")[:-1]
    signed = False
    for line in lines:
        match = re.fullmatch("\u2014 (\\S+) (\\S+)", line)
        if not match:
            raise Discrepancy(path, f"malformed signature line {describe(line)}")
        try:
            blob = base64.b64decode(match.group(2), validate=True)
        except ValueError:
            raise Discrepancy(path, f"signature line {describe(line)} is not base64") from None
        if match.group(1) != name or blob[:4].hex() != key_hash:
            continue  # another signer (a witness): not what this verifier checks
        if not ed25519_verify(public, text.encode("utf-8"), blob[4:]):
            raise Discrepancy(path, "the signature of the log's key does not verify")
        signed = True
    if not signed:
        raise Discrepancy(path, "no signature by the log's key")
    body = text[:-1].split("\n")
    if len(body) != 3 or not re.fullmatch(r"0|[1-9][0-9]*", body[1]):
        raise Discrepancy(path, "the body is not <origin>, <size>, <base64 root>")
    try:
        root = base64.b64decode(body[2], validate=True)
    except ValueError:
        root = b""
    if len(root) != 32:
        raise Discrepancy(path, "the root is not base64 of 32 bytes")
    return body[0], int(body[1]), root


def count_cosignatures(note, witness_keys):
    """LOG.md, "Witnesses" (C2SP tlog-cosignature v1): a witness's line `— <name>
    <base64(key hash ‖ 8-byte big-endian time ‖ 64-byte signature)>` signs
    "cosignature/v1\ntime <time>\n" followed by the checkpoint's text. Returns the names of the
    witnesses whose every line verifies (and that have one)."""
    split = note.rfind("\n\n")
    text, lines = note[: split + 1], note[split + 2 :].split("\n")[:-1]
    valid = []
    for name, key_hash, public in witness_keys:
        found, good = False, True
        for line in lines:
            match = re.fullmatch("\u2014 (\\S+) (\\S+)", line)
            if not match or match.group(1) != name:
                continue
            try:
                blob = base64.b64decode(match.group(2), validate=True)
            except ValueError:
                continue
            if blob[:4].hex() != key_hash:
                continue
            found = True
            if len(blob) != 4 + 8 + 64:
                good = False
                continue
            time = int.from_bytes(blob[4:12], "big")
            message = f"cosignature/v1\ntime {time}\n{text}".encode("utf-8")
            if time == 0 or not ed25519_verify(public, message, blob[12:]):
                good = False
        if found and good:
            valid.append(name)
    return valid


def verify_inclusion(entry, index, size, proof, root):
    """RFC 9162 §2.1.3.2, with leaf = SHA-256(0x00 ‖ entry), node = SHA-256(0x01 ‖ left ‖ right)."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, sha256(b"\x00" + entry)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = sha256(b"\x01" + r + p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


# LOG.md, "What is public": per kind, the event fields sealed in the entry (a salted SHA-256
# of their opening) and kept beside it; those of batch.drawn and result.* are revealed at the
# batch's publication.
SEALED_FIELDS = {
    "batch.drawn": ("bundle_sha256", "targets"),
    "result.recorded": ("checklist", "codes", "inspected_on", "note", "recorded_by", "request", "uscc"),
    "result.corrected": ("checklist", "codes", "inspected_on", "note", "recorded_by", "request", "uscc"),
    "result.returned": ("reason",),
    "followup.measure": ("due", "measure", "note", "uscc"),
    "followup.closed": ("closed_on", "outcome", "text", "uscc"),
    "user.added": ("card_no", "name", "token_commitment"),
    "user.revoked": ("name",),
    "user.password_set": ("phc_commitment",),
    "user.totp_set": ("secret_commitment",),
    "user.signed_in": ("session", "user"),
    "user.signed_out": ("session", "user"),
}
# Sealed when the entry has them: a measure's request id (an API client's own key could name
# the target).
SEALED_IF_GIVEN = {"followup.measure": ("request",)}
REVEALED_AT_PUBLICATION = ("batch.drawn", "result.recorded", "result.corrected", "result.returned", "followup.measure", "followup.closed")


def open_seal(entry, opening, path):
    """LOG.md, "What is public": a sealed entry's event carries `sealed`, the hex SHA-256 of its
    opening, the canonical JSON {"content": {...}, "salt": "<64 hex>"}; the content holds exactly
    the fields its kind seals. Returns the event with them put back in place of `sealed`."""
    event, kind = dict(entry["event"]), entry["kind"]
    fields = SEALED_FIELDS.get(kind, ())
    if "sealed" not in event:
        if opening is not None:
            raise Discrepancy(ptr(path, "opening"), "an opening for an entry that seals nothing")
        if fields:
            raise Discrepancy(ptr(path, "entry"), f"a {kind} entry must seal {', '.join(fields)}")
        return event
    seal = event.pop("sealed")
    if not (isinstance(seal, str) and len(seal) == 64 and all(c in "0123456789abcdef" for c in seal)):
        raise Discrepancy(ptr(path, "entry"), "its seal is not 64 lowercase hex digits")
    if opening is None:
        raise Discrepancy(ptr(path, "opening"), "is missing: the entry is sealed")
    opening_raw = expect_str(opening, ptr(path, "opening")).encode("utf-8")
    if hashlib.sha256(opening_raw).hexdigest() != seal:
        raise Discrepancy(ptr(path, "opening"), "does not hash to the entry's seal")
    value = parse_json(opening)
    check_json_values(value, ptr(path, "opening"))
    expect_object(value, ptr(path, "opening"), ("content", "salt"))
    if canonical_json(value) != opening_raw:
        raise Discrepancy(ptr(path, "opening"), "is not canonical JSON")
    expect_hex(value["salt"], ptr(path, "opening") + "/salt", 32)
    content = value["content"]
    optional = SEALED_IF_GIVEN.get(kind, ())
    if not isinstance(content, dict) or sorted(k for k in content if k not in optional) != sorted(fields):
        raise Discrepancy(ptr(path, "opening"), f"does not hold exactly the fields a {kind} entry seals ({', '.join(fields)})")
    for k, v in content.items():
        if k in event:
            raise Discrepancy(ptr(path, "opening"), f"its field {k} is also in the entry's event")
        event[k] = v
    return event


def reveals(openings):
    """LOG.md: the canonical JSON list [{"opening": text, "seq": n}, ...] whose SHA-256 a
    batch.published entry carries as reveals_sha256."""
    return canonical_json([{"opening": text, "seq": seq} for seq, text in openings])


def proven_entries(log, key):
    """LOG.md steps 2 and 3: the checkpoint opens with the key, and every entry is in the tree
    it signs at its `seq`; a sealed entry's opening matches its seal. Returns
    [(index, entry object with its event opened, opening or None)]."""
    origin, size, root = open_checkpoint(log["checkpoint"], key)
    proven = []
    for i, item in enumerate(expect_list(log["entries"], "/log/entries")):
        path = f"/log/entries/{i}"
        item = expect_object(item, path, ("entry", "proof", "seq") + (("opening",) if isinstance(item, dict) and "opening" in item else ()))
        seq = expect_int(item["seq"], ptr(path, "seq"), 0, MAX_SAFE_INTEGER)
        proof = [bytes.fromhex(expect_hex(h, ptr(path, "proof"), 32)) for h in expect_list(item["proof"], ptr(path, "proof"))]
        raw = expect_str(item["entry"], ptr(path, "entry")).encode("utf-8")
        if len(raw) > MAX_ENTRY_BYTES:
            raise Discrepancy(ptr(path, "entry"), f"is {len(raw)} bytes, more than the {MAX_ENTRY_BYTES} an entry may hold")
        if not verify_inclusion(raw, seq, size, proof, root):
            raise Discrepancy(path, f"entry {seq} is not in the log signed by the checkpoint (inclusion proof fails)")
        entry = parse_json(raw.decode("utf-8"))
        check_json_values(entry, ptr(path, "entry"))
        expect_object(entry, ptr(path, "entry"), ("event", "kind", "seq", "time"))
        if canonical_json(entry) != raw:
            raise Discrepancy(ptr(path, "entry"), "is not canonical JSON (LOG.md, Entries)")
        if entry["seq"] != seq:
            raise Discrepancy(path, f"entry says seq {entry['seq']}, listed as {seq}")
        if not isinstance(entry["event"], dict):
            raise Discrepancy(ptr(path, "entry"), "the event is not an object")
        opening = item.get("opening")
        entry = dict(entry, event=open_seal(entry, opening, path))
        proven.append((i, entry, opening))
    return origin, size, proven


def check_export_complete(proven, bundle, bundle_raw):
    """LOG.md: an export carries the batch's batch.created, batch.committed and batch.drawn
    entries (naming this bundle), the five directory.snapshot entries the batch.committed entry
    names, and either batch.published whose reveals_sha256 the openings of the batch's draw and
    result entries before it hash to, or draw.started with the bundle's entropy; entries in
    increasing seq, all of this batch. A proof shows an entry is in the log, never that none
    was left out: hence this."""
    batch = bundle["commitment"]["header"]["plan"]["id"]
    bundle_sha256 = hashlib.sha256(bundle_raw).hexdigest()
    previous, one_of, snapshots, openings, published_seq = None, {}, [], [], None
    for i, entry, opening in proven:
        path, event, kind = f"/log/entries/{i}", entry["event"], entry["kind"]
        if previous is not None and entry["seq"] <= previous:
            raise Discrepancy(path, f"entry {entry['seq']} after entry {previous}: entries are listed once each, in increasing seq")
        previous = entry["seq"]
        if kind == "directory.snapshot":
            snapshots.append(event)
            continue
        if event.get("batch") != batch:
            raise Discrepancy(path, f"a {kind} entry of batch '{event.get('batch')}' in the export of batch '{batch}'")
        if kind == "batch.published":
            published_seq = entry["seq"]
        if opening is not None and kind in REVEALED_AT_PUBLICATION and published_seq is None:
            openings.append((entry["seq"], opening))
        if kind in ("batch.created", "batch.committed", "batch.drawn", "batch.published", "draw.started"):
            if kind in one_of:
                raise Discrepancy(path, f"a second {kind} entry of this batch")
            one_of[kind] = (i, event)

    def need(kind):
        if kind not in one_of:
            raise Discrepancy("/log/entries", f"the {kind} entry of this batch is missing")
        return one_of[kind]

    need("batch.created")
    at, committed = need("batch.committed")
    if committed.get("commitment_hash") != bundle["commitment"]["hash"]:
        raise Discrepancy(f"/log/entries/{at}", f"the log committed {committed.get('commitment_hash')}, the bundle's commitment is {bundle['commitment']['hash']}")
    at, drawn = need("batch.drawn")
    if (drawn.get("seed"), drawn.get("bundle_sha256"), drawn.get("commitment_hash")) != (bundle["seed"], bundle_sha256, bundle["commitment"]["hash"]):
        raise Discrepancy(
            f"/log/entries/{at}",
            f"the log's draw (seed {drawn.get('seed')}, bundle {drawn.get('bundle_sha256')}) is not this bundle (seed {bundle['seed']}, bundle {bundle_sha256})",
        )
    named = committed.get("snapshots") if isinstance(committed.get("snapshots"), dict) else {}
    for table in SNAPSHOT_TABLES:
        s = named.get(table)
        if s is None and table == OPTIONAL_SNAPSHOT_TABLE:
            continue
        if not isinstance(s, dict):
            raise Discrepancy("/log/entries", f"the batch.committed entry names no {table} snapshot")
        fields = ("version", "content_sha256", "rows")
        if not any(f.get("table") == table and all(k in f and f[k] == s.get(k) for k in fields) for f in snapshots):
            raise Discrepancy(
                "/log/entries",
                f"the directory.snapshot entry of {table} v{s.get('version')} (content sha256 {s.get('content_sha256')}), which the batch.committed entry names, is missing",
            )
    if "batch.published" not in one_of and "draw.started" not in one_of:
        raise Discrepancy("/log/entries", "neither a batch.published entry (a public export) nor a draw.started entry (an auditor's export)")
    if "batch.published" in one_of:
        at, published = one_of["batch.published"]
        if published.get("bundle_sha256") != bundle_sha256:
            raise Discrepancy(f"/log/entries/{at}", f"the published bundle is {published.get('bundle_sha256')}, not this bundle ({bundle_sha256})")
        carried = hashlib.sha256(reveals(openings)).hexdigest()
        if published.get("reveals_sha256") != carried:
            raise Discrepancy(
                f"/log/entries/{at}",
                f"the batch.published entry reveals {published.get('reveals_sha256')}, but the {len(openings)} draw and result entries carried hash to {carried}: one is missing or changed",
            )
    if "draw.started" in one_of:
        at, started = one_of["draw.started"]
        if canonical_json(started.get("entropy")) != canonical_json(bundle["entropy"]):
            raise Discrepancy(f"/log/entries/{at}", "the entropy logged when the draw started is not the bundle's")


def check_export(log, log_raw, bundle, bundle_raw, pinned_key, witness_keys=(), quorum=0):
    """LOG.md steps 2–4 and what an export carries, and the quorum of witness cosignatures
    asked for. Returns (NOTE lines, summary)."""
    check_json_values(log, "/log")
    expect_object(log, "/log", ("checkpoint", "entries", "verifier_key"))
    carried = parse_verifier_key(log["verifier_key"], "/log/verifier_key")
    notes = []
    if pinned_key is None:
        notes.append("the checkpoint was checked with the key the export carries; pass the publisher's key with --log-key to pin it")
        key = carried
    else:
        key = parse_verifier_key(pinned_key, "--log-key")
        if key != carried:
            raise Discrepancy("/log/verifier_key", f"the export names key {log['verifier_key']}, not the pinned {pinned_key}")
    origin, size, proven = proven_entries(log, key)
    if quorum:
        valid = count_cosignatures(log["checkpoint"], witness_keys)
        if len(valid) < quorum:
            raise Discrepancy(
                "/log/checkpoint",
                f"{len(valid)} valid cosignature(s) of the {len(witness_keys)} witness key(s) given ({', '.join(valid) or 'none'}), {quorum} required",
            )
        notes.append(f"witnesses: {', '.join(valid)} cosigned the checkpoint ({quorum} required)")
    check_export_complete(proven, bundle, bundle_raw)
    if canonical_json(log) != log_raw:
        raise Discrepancy("/log", "not the canonical (RFC 8785) serialisation of the evidence it holds (docs/LOG.md)")
    return notes, f"log {origin}: {len(proven)} entries proven in the tree of size {size}, and every entry an export carries is there"


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Putting it together (§7.1)
# ─────────────────────────────────────────────────────────────────────────────────────────────


class Report:
    """What a successful verification found: a one-line summary and notes."""

    def __init__(self, summary, notes):
        self.summary = summary
        self.notes = notes


def verify(bundle, expect_commitment=None, raw=None):
    """Run every step of §7.1 on a parsed bundle. Returns a Report or raises Discrepancy.

    raw, if given, is the bundle's bytes as read: they must be exactly the canonical form that
    §7 says bundles are written in (§7.1)."""
    check_json_values(bundle, low=0)
    notes = []

    # Step 1: formats.
    check_formats(bundle)
    commitment = bundle["commitment"]
    header = commitment["header"]
    plan = header["plan"]

    # Step 2: plan rules, canonical order and digests of every snapshot, header hash.
    check_plan_shape(plan, "/commitment/header/plan", header["spec_version"])
    check_matter_shapes(header["matters"], "/commitment/header/matters")
    check_sources_shape(header["sources"], "/commitment/header/sources", header["spec_version"])
    check_plan_rules(plan, "/commitment/header/plan", header["spec_version"])
    snapshots = check_snapshots(commitment)
    check_directory_rules(plan, header, snapshots)
    check_header_hash(commitment, expect_commitment)

    # Step 3: entropy against the declaration; step 4: seed.
    entropy_encoding, entropy_notes = check_entropy(bundle["entropy"], plan["entropy"])
    notes += entropy_notes
    seed = check_seed(bundle, entropy_encoding)

    # Step 5: recompute the whole draw and compare every field.
    expected_draw = recompute_draw(plan, header, snapshots, seed)
    compare_json(expected_draw, bundle["draw"], "/draw")

    # Step 6: independent re-check of every rule on the result.
    recheck_result(plan, header, snapshots, bundle["draw"])

    if expect_commitment is None:
        notes.append(
            "the commitment hash was not compared with the one published before the draw "
            "(use --expect-commitment HEX); without it the bundle only shows that its draw follows from its own commitment (§7.1)"
        )
    if raw is not None:
        check_canonical_bytes(raw, canonical_json(bundle))

    targets = [t for s in expected_draw["strata"] for t in s["targets"]]
    unstaffed = sum(1 for t in targets if t["unstaffed"] is not None)
    shortfall = sum(s["shortfall"] for s in expected_draw["strata"])
    if plan["entropy"]["source"] == "ceremony":
        source = f"ceremony entropy from {len(plan['entropy']['witnesses'])} witnesses"
    else:
        source = f"drand round {plan['entropy']['round']} (signature not checked)"
    summary = (
        f"plan {plan['id']}: commitment {commitment['hash']}"
        f"{' (matches --expect-commitment)' if expect_commitment else ''}, seed {bundle['seed']}, {source}; "
        f"{len(expected_draw['strata'])} parts, {len(targets)} targets ({unstaffed} unstaffed, shortfall {shortfall}); "
        "draw recomputed and every rule re-checked"
    )
    return Report(summary, notes)


def check_canonical_bytes(raw, canonical):
    """§7.1: the bytes read must be the canonical serialisation of the value parsed from them."""
    if raw != canonical:
        at = next((i for i, (a, b) in enumerate(zip(raw, canonical)) if a != b), min(len(raw), len(canonical)))
        raise Discrepancy(
            "/",
            "the bytes are not the canonical (RFC 8785) serialisation of the bundle they hold "
            f"(DRAW-SPEC §7.1): they differ from it at byte {at}",
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description="Verify a shuangsui draw bundle, or an export of one, against docs/DRAW-SPEC.md (version 5, and commitments of versions 1 to 4) and docs/LOG.md.")
    parser.add_argument("bundle", help="the bundle or export JSON file")
    parser.add_argument("--expect-commitment", metavar="HEX", help="the commitment hash published before the draw")
    parser.add_argument("--log-key", metavar="KEY", help="for an export: the log's published verifier key")
    parser.add_argument("--witness-key", metavar="KEY", action="append", default=[], help="a witness's cosignature verifier key (repeatable)")
    parser.add_argument("--quorum", metavar="N", type=int, help="how many of the witness keys must have cosigned the checkpoint (default: all)")
    args = parser.parse_args(argv)
    try:
        witness_keys = [parse_verifier_key(k, "--witness-key", key_type=4) for k in args.witness_key]
    except Discrepancy as d:
        print(f"UNREADABLE {d.path}: {d.message}")
        return 2
    quorum = len(witness_keys) if args.quorum is None else args.quorum
    if quorum > len(witness_keys) or quorum < 0:
        print(f"UNREADABLE --quorum {quorum}: more than the {len(witness_keys)} --witness-key given")
        return 2

    expected = None
    if args.expect_commitment is not None:
        expected = args.expect_commitment.strip().lower()
        if not HEX64.fullmatch(expected):
            print("UNREADABLE --expect-commitment must be 64 hex digits")
            return 2
    try:
        raw = read_file(args.bundle)
        parts = split_export(raw, args.bundle)
        bundle_raw = parts[0] if parts else raw
        bundle = parse_bytes(bundle_raw, args.bundle)
        log = parse_bytes(parts[1], f"{args.bundle} /log") if parts else None
    except Unreadable as e:
        print(f"UNREADABLE {e}")
        return 2
    log_notes, log_summary = [], None
    try:
        if log is None and quorum:
            raise Discrepancy("/", f"a bare bundle carries no checkpoint for the {quorum} witness cosignature(s) required: verify its export")
        if log is not None:
            log_notes, log_summary = check_export(log, parts[1], bundle, bundle_raw, args.log_key, witness_keys, quorum)
        report = verify(bundle, expected, bundle_raw)
    except Discrepancy as d:
        print(f"FAIL {d.path}: {d.message}")
        return 1
    except Exception as e:  # a bug of this verifier, or a shape it did not foresee: never a PASS
        print(f"FAIL /: the verifier could not process this bundle ({type(e).__name__}: {e}); it is NOT verified")
        return 1
    for note in report.notes + log_notes:
        print(f"NOTE {note}")
    if log_summary:
        print(f"PASS {log_summary}")
    print(f"PASS {report.summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
