"""Tests for tlog_client.py (standard library only).

Run from the repository root:  python3 -m unittest tests/python/test_tlog_client.py -v

Published vectors used, by source:

* RFC 8032 section 7.1, Ed25519 TEST 1, 2 and 3.
* C2SP signed-note.md, "Verifier keys" / "Example": the example.com/foo
  vkey and the note it verifies.
* golang.org/x/mod sumdb/note/note_test.go and example_test.go: the
  PeterNeumann key pair, vkey, signature, the EnochRoot (all-zero seed)
  signature, vkey manglings and malformed notes from TestOpen.
* golang.org/x/mod sumdb/tlog/note_test.go (RecordHash("hello world") in
  TestFormatTree), tlog_test.go (tile index encodings in tilePaths, with the
  sumdb height element dropped; TestEmptyTree).
* transparency-dev/merkle testonly/constants.go (the 8-leaf reference tree:
  leaf inputs, node hashes, root hashes for every size), rfc6962/
  rfc6962_test.go (hasher vectors), testdata/inclusion/{0..4}/happy-path.json,
  testdata/consistency/{0..4}/happy-path.json and a selection of
  testdata/{inclusion,consistency}/{additional,single-entry}/*.json.  The
  mutations applied to the happy paths mirror the file names of the other
  probes in those directories.
* FiloSottile/sunlight cmd/skylight/testdata: gen.go builds a 300-record tree
  ("record %d") whose hash tiles are stored in witness/mirror/<origin hash>/
  tile/0/000, tile/0/001.p/44 and tile/1/000.p/1 (compared here through
  their git blob ids), the mirror checkpoint cosigned by mirror.example.org
  (mirror.v0.json vkey) and the witness checkpoint cosigned by
  witness.example.org (witness.v0.json vkey).
* C2SP tlog-tiles.md, "Merkle Tree" (index 1234067 -> x001/x234/067) and
  "Partial Tiles" (the tile layouts of trees of size 70,000 and 256).

Everything else is a synthetic log written by StaticLog below, a writer made
from the tlog-tiles / tlog-checkpoint / signed-note / tlog-cosignature texts,
independent of the client's own Merkle code (it shares only Ed25519, which
is checked against RFC 8032 separately).
"""

import base64
import gzip
import hashlib
import http.server
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import tlog_client as tc  # noqa: E402

CLIENT = os.path.join(HERE, "tlog_client.py")


def b64(data):
    return base64.b64encode(data).decode("ascii")


def unb64(s):
    return base64.b64decode(s) if s else b""


# ---------------------------------------------------------------------------
# An independent static log writer (tlog-tiles), with its own Merkle code.
# ---------------------------------------------------------------------------

def sha256(data):
    return hashlib.sha256(data).digest()


def rfc6962_leaf(entry):
    return sha256(b"\x00" + entry)


def rfc6962_node(left, right):
    return sha256(b"\x01" + left + right)


def naive_mth(hashes, lo, hi):
    """RFC 6962 section 2.1 MTH over leaf hashes[lo:hi], by its definition."""
    n = hi - lo
    if n == 0:
        return sha256(b"")
    if n == 1:
        return hashes[lo]
    k = 1
    while k * 2 < n:
        k *= 2
    return rfc6962_node(naive_mth(hashes, lo, lo + k), naive_mth(hashes, lo + k, hi))


def index_element(n):
    """tlog-tiles <N>: zero-padded 3-digit elements, all but the last x-prefixed."""
    digits = "%d" % n
    while len(digits) % 3:
        digits = "0" + digits
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


class Signer:
    """An Ed25519 note signer (type 0x01) or cosigner (type 0x04)."""

    def __init__(self, name, seed_text, sig_type=0x01, timestamp=1700000000):
        self.name = name
        self.seed = sha256(seed_text.encode())
        self.sig_type = sig_type
        self.timestamp = timestamp
        self.public = tc.ed25519_public_key(self.seed)
        digest = sha256(name.encode() + b"\n" + bytes([sig_type]) + self.public)
        self.key_id = digest[:4]
        self.vkey = "%s+%s+%s" % (name, self.key_id.hex(), b64(bytes([sig_type]) + self.public))

    def signature_line(self, text):
        if self.sig_type == 0x01:
            sig = tc.ed25519_sign(self.seed, text)
        else:
            message = b"cosignature/v1\ntime " + str(self.timestamp).encode() + b"\n" + text
            sig = struct.pack(">Q", self.timestamp) + tc.ed25519_sign(self.seed, message)
        return "\u2014 %s %s\n" % (self.name, b64(self.key_id + sig))


def sign_note(text, signers):
    return text + b"\n" + "".join(s.signature_line(text) for s in signers).encode("utf-8")


class StaticLog:
    """Writes a log as the static resources of tlog-tiles under a directory."""

    def __init__(self, directory, signer, entries=()):
        self.dir = directory
        self.signer = signer
        self.entries = []
        self.append(*entries)

    @property
    def origin(self):
        return self.signer.name

    def append(self, *entries):
        for entry in entries:
            entry = bytes(entry)
            if len(entry) > 0xFFFF:
                raise ValueError("entry of %d bytes does not fit a uint16 length prefix" % len(entry))
            self.entries.append(entry)

    def path(self, rel):
        return os.path.join(self.dir, *rel.split("/"))

    def write(self, rel, data):
        name = self.path(rel)
        os.makedirs(os.path.dirname(name), exist_ok=True)
        with open(name, "wb") as f:
            f.write(data)

    def read(self, rel):
        with open(self.path(rel), "rb") as f:
            return f.read()

    def leaf_hashes(self):
        return [rfc6962_leaf(e) for e in self.entries]

    def root(self, size=None):
        hashes = self.leaf_hashes()
        return naive_mth(hashes, 0, len(hashes) if size is None else size)

    def checkpoint_text(self, extensions=(), hashes=None):
        hashes = self.leaf_hashes() if hashes is None else hashes
        lines = [self.origin, "%d" % len(hashes), b64(naive_mth(hashes, 0, len(hashes)))]
        return ("\n".join(lines + list(extensions)) + "\n").encode()

    def publish(self, cosigners=(), extensions=()):
        """Write every tile, entry bundle and the checkpoint; return the checkpoint."""
        for start in range(0, len(self.entries), 256):
            chunk = self.entries[start:start + 256]
            suffix = "" if len(chunk) == 256 else ".p/%d" % len(chunk)
            self.write("tile/entries/" + index_element(start // 256) + suffix,
                       b"".join(struct.pack(">H", len(e)) + e for e in chunk))
        leaves = self.leaf_hashes()
        level, hashes = 0, leaves
        while hashes:
            for start in range(0, len(hashes), 256):
                chunk = hashes[start:start + 256]
                suffix = "" if len(chunk) == 256 else ".p/%d" % len(chunk)
                self.write("tile/%d/%s%s" % (level, index_element(start // 256), suffix), b"".join(chunk))
            # Each hash one level up is the MTH of a full tile below.
            hashes = [naive_mth(hashes, s, s + 256) for s in range(0, len(hashes) - 255, 256)]
            level += 1
        checkpoint = sign_note(self.checkpoint_text(extensions, leaves), [self.signer] + list(cosigners))
        self.write("checkpoint", checkpoint)
        return checkpoint


def entries(n, tag=b"entry"):
    return [b"%s %d" % (tag, i) for i in range(n)]


LOG = Signer("example.com/testlog", "test log key")
OTHER_LOG = Signer("example.com/testlog", "another key, same name")
W1 = Signer("w1.example", "witness one", 0x04, timestamp=1700000001)
W2 = Signer("w2.example", "witness two", 0x04, timestamp=1700000002)
W3 = Signer("w3.example", "witness three", 0x04, timestamp=1700000003)


class TempDirTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tlog-client-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def mkdir(self, name):
        path = os.path.join(self.tmp, name)
        os.makedirs(path, exist_ok=True)
        return path

    def new_log(self, name, items, signer=LOG, cosigners=(), extensions=()):
        log = StaticLog(self.mkdir(name), signer, items)
        checkpoint = log.publish(cosigners, extensions)
        return log, checkpoint

    def save(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def verify(self, log_or_dir, **kwargs):
        base = log_or_dir.dir if isinstance(log_or_dir, StaticLog) else log_or_dir
        kwargs.setdefault("log_key", LOG.vkey)
        return tc.verify_log(base, **kwargs)

    def assertFails(self, exc, fragment, fn, *args, **kwargs):
        with self.assertRaises(exc) as ctx:
            fn(*args, **kwargs)
        self.assertIn(fragment, str(ctx.exception))
        return ctx.exception


# ---------------------------------------------------------------------------
# Ed25519 (RFC 8032).
# ---------------------------------------------------------------------------

RFC8032_VECTORS = [  # RFC 8032 section 7.1: (secret key, public key, message, signature)
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]


class TestEd25519(unittest.TestCase):
    def test_rfc8032_vectors(self):
        for sk, pk, msg, sig in RFC8032_VECTORS:
            sk, pk, msg, sig = (bytes.fromhex(x) for x in (sk, pk, msg, sig))
            self.assertEqual(tc.ed25519_public_key(sk), pk)
            self.assertEqual(tc.ed25519_sign(sk, msg), sig)
            self.assertTrue(tc.ed25519_verify(pk, msg, sig))
            self.assertFalse(tc.ed25519_verify(pk, msg + b"x", sig))
            self.assertFalse(tc.ed25519_verify(pk, msg, sig[:-1] + bytes([sig[-1] ^ 1])))

    def test_rejects_non_canonical_s_and_bad_lengths(self):
        sk, pk, msg, sig = (bytes.fromhex(x) for x in RFC8032_VECTORS[0])
        s = int.from_bytes(sig[32:], "little") + tc._Q  # same point equation, s >= L
        self.assertFalse(tc.ed25519_verify(pk, msg, sig[:32] + s.to_bytes(32, "little")))
        self.assertFalse(tc.ed25519_verify(pk, msg, sig[:63]))
        self.assertFalse(tc.ed25519_verify(pk[:31], msg, sig))
        # y = p is not a canonical encoding (RFC 8032 5.1.3 step 1).
        self.assertFalse(tc.ed25519_verify(pk, msg, tc._P.to_bytes(32, "little") + sig[32:]))


# ---------------------------------------------------------------------------
# Signed notes, vkeys, checkpoints, cosignatures.
# ---------------------------------------------------------------------------

# golang.org/x/mod sumdb/note/note_test.go
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY_B64 = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"  # from PRIVATE+KEY+PeterNeumann+c74f20a3+...
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"  # zero-reader seed
GO_TEXT = (b"If you think cryptography is the answer to your problem,\n"
           b"then you don't know what your problem is.\n")
PETER_SIG = "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
ENOCH_SIG = "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

# C2SP signed-note.md, "Verifier keys" / "Example"
C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = ("This is an example message.\n\n"
             "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n")

# FiloSottile/sunlight cmd/skylight/testdata (see the module docstring).
SUNLIGHT_ORIGIN = "rome2026h1.example.org"
SUNLIGHT_MIRROR_VKEY = "mirror.example.org+3fb148ef+BAAjjch9GyYz0sJsJx7ALhbdAtz2ov0unbzSl1vMp94O"
SUNLIGHT_WITNESS_VKEY = "witness.example.org+b8a2cf20+BFLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN"
SUNLIGHT_MIRROR_CHECKPOINT = (  # witness/mirror/000de184.../checkpoint
    "rome2026h1.example.org\n300\ngw31yQrqZZCcEOPrzX+bpy3nJ6QgngTKn8G1m0i62uU=\n\n"
    "\u2014 mirror.example.org P7FI7wAAAABpVGeAjA1S4pJm6MbcXjX7UUImu4azZtrfcVW2uyr/LXIYlwEJzXC0N0EiZkbqfLdXt/4gVEEuGmxJjAfXKMCISpsJAg==\n"
).encode()
SUNLIGHT_WITNESS_CHECKPOINT = (  # witness/000de184.../checkpoint (the log line is an RFC 6962 type 0x05 signature)
    "rome2026h1.example.org\n300\nlCkHUpkmVBEms2r2T1K6Og69+wUuuN3MIEW1/ezu2v0=\n\n"
    "\u2014 rome2026h1.example.org kVB1JgAAAZtxtEwABAMARzBFAiEAi+mTa2xjL1IdWpH82OeciGsGvwRAP+f1WkfKaSZCfFECIHoNPZ/Q3y6UNzvKOO9cuLr6V16vPNfhwhle9f6r5H/Z\n"
    "\u2014 witness.example.org uKLPIAAAAABpVGeAhm2bOvKc3LaB9PFN1ruG19Y5yqslmcAAbhftnn1Zznmo0LXFZq4LGvqKqLX8jWlwLKasxEGTLIqAVusneCBmBw==\n"
).encode()
SUNLIGHT_COSIGNATURE_TIME = 1767139200  # gen.go: timestamp / 1000
SUNLIGHT_TILE_BLOBS = {  # git blob ids of the stored tiles
    "tile/0/000": "8b70bb28e3ed781fc5a70074d0479b1d218d0b52",
    "tile/0/001.p/44": "a9d992c81bd8a2391d1fb40febaad51301ae422f",
    "tile/1/000.p/1": "19852f79d8dd5694c2a928db0d99194608422488",
}


class TestVerifierKeys(unittest.TestCase):
    def test_go_and_c2sp_vkeys(self):
        v = tc.parse_vkey(PETER_VKEY)
        self.assertEqual((v.name, v.key_id, v.sig_type), ("PeterNeumann", 0xc74f20a3, 0x01))
        self.assertEqual(v.public_key, tc.ed25519_public_key(unb64(PETER_SKEY_B64)[1:]))
        self.assertEqual(tc.parse_vkey(ENOCH_VKEY).public_key, tc.ed25519_public_key(bytes(32)))
        self.assertEqual(tc.parse_vkey(C2SP_VKEY).key_id, 0x530d903a)

    def test_cosigner_vkeys_with_plus_in_base64(self):
        w = tc.parse_vkey(SUNLIGHT_WITNESS_VKEY)
        self.assertEqual((w.name, w.key_id, w.sig_type), ("witness.example.org", 0xb8a2cf20, 0x04))
        self.assertEqual(tc.parse_vkey(SUNLIGHT_MIRROR_VKEY).key_id, 0x3fb148ef)
        self.assertRaises(tc.InputError, tc.parse_vkey, SUNLIGHT_WITNESS_VKEY, (0x01,))
        self.assertRaises(tc.InputError, tc.parse_vkey, PETER_VKEY, (0x04,))

    def test_go_manglings_are_rejected(self):
        # note_test.go TestNewVerifier: every proper substring, every byte + 1.
        b = PETER_VKEY.encode()
        for i in range(len(b) + 1):
            for j in range(i + 1, len(b) + 1):
                if (i, j) != (0, len(b)):
                    self.assertRaises(tc.InputError, tc.parse_vkey, b[i:j].decode())
        for i in range(len(b)):
            mangled = b[:i] + bytes([b[i] + 1]) + b[i + 1:]
            self.assertRaises(tc.InputError, tc.parse_vkey, mangled.decode("latin-1"))
        # Wrong key length and unknown algorithm, with adjusted key hashes.
        self.assertRaises(tc.InputError, tc.parse_vkey,
                          "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
        self.assertRaises(tc.InputError, tc.parse_vkey,
                          "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")

    def test_key_id_must_be_lowercase_hex(self):
        self.assertRaises(tc.InputError, tc.parse_vkey, PETER_VKEY.replace("c74f20a3", "C74F20A3"))


class TestSignedNotes(unittest.TestCase):
    def setUp(self):
        self.peter = tc.parse_vkey(PETER_VKEY)
        self.enoch = tc.parse_vkey(ENOCH_VKEY)

    def test_c2sp_example(self):
        note, signed = tc.open_note(C2SP_NOTE.encode(), [tc.parse_vkey(C2SP_VKEY)])
        self.assertEqual(note.text, b"This is an example message.\n")
        self.assertEqual([str(v) for v in signed], ["example.com/foo+530d903a"])

    def test_go_signatures_reproduce(self):
        seed = unb64(PETER_SKEY_B64)[1:]
        sig = unb64(PETER_SIG.split(" ")[2])
        self.assertEqual(struct.pack(">I", 0xc74f20a3) + tc.ed25519_sign(seed, GO_TEXT), sig)
        sig = unb64(ENOCH_SIG.split(" ")[2])
        self.assertEqual(struct.pack(">I", 0xaf0cfe78) + tc.ed25519_sign(bytes(32), GO_TEXT), sig)

    def test_go_open(self):
        msg = GO_TEXT + b"\n" + (PETER_SIG + ENOCH_SIG).encode()
        note, signed = tc.open_note(msg, [self.peter])  # Enoch's line is ignored
        self.assertEqual(note.text, GO_TEXT)
        self.assertEqual(signed, [self.peter])
        _, signed = tc.open_note(msg, [self.peter, self.enoch])
        self.assertEqual(signed, [self.peter, self.enoch])
        self.assertRaises(tc.VerificationError, tc.open_note, msg, [])
        # Known name with another key ID, or another name with the known ID: unknown keys.
        other = tc.parse_vkey(Signer("PeterNeumann", "x").vkey)
        self.assertRaises(tc.VerificationError, tc.open_note, msg, [other])
        # Invalid signature from a known key rejects the note.
        bad = GO_TEXT + b"\n" + (PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]).encode()
        self.assertRaises(tc.VerificationError, tc.open_note, bad, [self.peter])
        # Duplicated lines from one key are fine.
        _, signed = tc.open_note(GO_TEXT + b"\n" + (PETER_SIG * 2 + ENOCH_SIG * 2).encode(), [self.peter])
        self.assertEqual(signed, [self.peter])

    def test_go_malformed_notes(self):
        text = GO_TEXT.decode()
        bad = [
            text,
            text + "\n",
            text + "\n" + PETER_SIG[:-1],
            "\x01" + text + "\n" + PETER_SIG,
            text + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
            text + "\n" + PETER_SIG + "Unexpected line.\n",
            text + "\n" + PETER_SIG * 101,  # more signatures than the client accepts
            text + "\n" + PETER_SIG.replace("PeterNeumann", "Peter+Neumann"),
            text + "\n" + PETER_SIG.replace("=\n", "\n"),  # unpadded base64
            text.replace("\n", "\r\n", 1) + "\n" + PETER_SIG,
        ]
        for msg in bad:
            self.assertRaises(tc.InputError, tc.open_note, msg.encode(), [self.peter])
        self.assertRaises(tc.InputError, tc.open_note, b"\xff" + GO_TEXT + b"\n" + PETER_SIG.encode(),
                          [self.peter])

    def test_many_unknown_signatures_accepted(self):
        # signed-note: verifiers MUST accept at least 16 signatures.
        text = GO_TEXT.decode()
        lines = "".join(W1.signature_line(GO_TEXT) for _ in range(20))
        note, _ = tc.open_note((text + "\n" + lines + PETER_SIG).encode(), [self.peter])
        self.assertEqual(len(note.signatures), 21)


class TestCheckpoints(TempDirTestCase):
    def test_parse(self):
        cp = tc.parse_checkpoint_text(b"example.com/behind-the-sofa\n20852163\n"
                                      b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next one\n")
        self.assertEqual((cp.origin, cp.size, cp.extensions), ("example.com/behind-the-sofa", 20852163, ("ext one",)))

    def test_malformed_bodies(self):
        root = b64(sha256(b"x"))
        bad = [
            "o\n1\n",                     # two lines
            "\n1\n%s\n" % root,           # empty origin
            "o\n01\n%s\n" % root,         # leading zero
            "o\n-1\n%s\n" % root,
            "o\n1 \n%s\n" % root,
            "o\n\u0661\n%s\n" % root,     # a non-ASCII digit
            "o\n1\n%s\n" % root[:-1],     # bad base64
            "o\n1\n%s\n" % b64(b"short"),  # not 32 bytes
            "o\n1\n%s\n\next\n" % root,   # empty extension line
            "o\n18446744073709551616\n%s\n" % root,
        ]
        for body in bad:
            self.assertRaises(tc.InputError, tc.parse_checkpoint_text, body.encode())

    def test_open_checkpoint(self):
        log = tc.parse_vkey(LOG.vkey)
        text = b"example.com/testlog\n1\n" + b64(rfc6962_leaf(b"a")).encode() + b"\n"
        cp, _ = tc.open_checkpoint(sign_note(text, [LOG]), log)
        self.assertEqual(cp.size, 1)
        # Signed by a key with the same name but another key ID: unknown, so no valid signature.
        self.assertFails(tc.VerificationError, "no valid signature", tc.open_checkpoint,
                         sign_note(text, [OTHER_LOG]), log)
        # A corrupted log signature.
        good = sign_note(text, [LOG])
        corrupt = good[:-10] + (b"A" if good[-10:-9] != b"A" else b"B") + good[-9:]
        self.assertFails(tc.VerificationError, "invalid signature", tc.open_checkpoint, corrupt, log)
        # Key name differs from the origin line.
        other = Signer("example.com/other", "test log key")
        self.assertFails(tc.VerificationError, "does not match the log key name", tc.open_checkpoint,
                         sign_note(text, [other]), tc.parse_vkey(other.vkey))
        # An empty tree must have the empty root.
        self.assertFails(tc.VerificationError, "empty tree", tc.open_checkpoint,
                         sign_note(b"example.com/testlog\n0\n" + text.split(b"\n")[2] + b"\n", [LOG]), log)


class TestCosignatureVectors(unittest.TestCase):
    def test_sunlight_mirror_and_witness_cosignatures(self):
        for checkpoint, vkey in ((SUNLIGHT_MIRROR_CHECKPOINT, SUNLIGHT_MIRROR_VKEY),
                                 (SUNLIGHT_WITNESS_CHECKPOINT, SUNLIGHT_WITNESS_VKEY)):
            note = tc.parse_note(checkpoint)
            cosigs = tc.verify_cosignatures(note, [tc.parse_vkey(vkey)])
            self.assertEqual([(c.witness.vkey, c.timestamp) for c in cosigs],
                             [(vkey, SUNLIGHT_COSIGNATURE_TIME)])
            # The cosignature covers the body: change the root and it fails.
            text = note.text.decode()
            lines = text.split("\n")
            lines[2] = b64(sha256(b"other"))
            forged = ("\n".join(lines) + "\n" + checkpoint[len(note.text):].decode()).encode()
            self.assertRaises(tc.VerificationError, tc.verify_cosignatures, tc.parse_note(forged),
                              [tc.parse_vkey(vkey)])

    def test_witness_key_does_not_verify_other_cosigner(self):
        note = tc.parse_note(SUNLIGHT_MIRROR_CHECKPOINT)
        self.assertEqual(tc.verify_cosignatures(note, [tc.parse_vkey(SUNLIGHT_WITNESS_VKEY)]), [])

    def test_message_format(self):
        self.assertEqual(tc.cosignature_message(1679315147, b"example.com/behind-the-sofa\n20852163\n"
                                                b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"),
                         b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
                         b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")


# ---------------------------------------------------------------------------
# Merkle tree hashing and proofs.
# ---------------------------------------------------------------------------

# transparency-dev/merkle testonly/constants.go
MERKLE_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                 "606162636465666768696a6b6c6d6e6f"]
MERKLE_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
MERKLE_NODES = [  # [level][index]
    ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
     "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
     "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
     "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"],
    ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
     "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"],
    ["d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]

# transparency-dev/merkle testdata/inclusion/{0..4}/happy-path.json:
# (leafIdx, treeSize, root, leafHash, proof)
INCLUSION_PROBES = [
    (0, 1, "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=", "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=", []),
    (0, 8, "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=", "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
     ["lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=", "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
      "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="]),
    (5, 8, "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=", "QnGia+DYqE8L1UyMMC58s6O10fpngKQLzOKHNHfatlg=",
     ["vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=", "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
      "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="]),
    (2, 3, "rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc=", "ApjRIpBtz8EIkstTpzmS/FufST6kybrbJ7eRtBJ6f+c=",
     ["+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU="]),
    (1, 5, "Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=", "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
     ["bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=", "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
      "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms="]),
]

# transparency-dev/merkle testdata/consistency/{0..4}/happy-path.json:
# (size1, size2, root1, root2, proof)
CONSISTENCY_PROBES = [
    (1, 1, "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=", "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=", []),
    (1, 8, "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=", "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
     ["lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=", "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
      "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="]),
    (6, 8, "duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=", "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
     ["DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=", "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
      "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="]),
    (2, 5, "+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU=", "Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=",
     ["Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=", "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms="]),
    (6, 7, "duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=", "3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw=",
     ["DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=", "sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8=",
      "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="]),
]

EMPTY_B64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
SINGLE_B64 = "DTrtAjFI/9KiWfvQzcf7PPl1ZYdg03dbgq9vkKrMLfw="
# testdata/{inclusion,consistency}/{additional,single-entry}/*.json (all expected to fail but
# "matching-root-and-leaf"); "sizes-are-equal-one-and-proof-is-empty" is left out: its roots
# are 12-byte placeholders, which this client refuses as hashes.
EXTRA_INCLUSION = [  # (leafIdx, treeSize, root, leafHash, proof, valid)
    (0, 0, EMPTY_B64, "q6yroAAAAAAAAAAAAAAAAAAAAAAAAAAAAGAGHgASNFY=", [], False),
    (0, 0, EMPTY_B64, "", [], False),
    (0, 0, "", "q6yroAAAAAAAAAAAAAAAAAAAAAAAAAAAAGAGHgASNFY=", [], False),
    (0, 1, SINGLE_B64, "", [], False),
    (0, 1, "", "", [], False),
    (0, 1, "", SINGLE_B64, [], False),
    (0, 1, SINGLE_B64, SINGLE_B64, [], True),
]
EXTRA_CONSISTENCY = [  # (size1, size2, root1, root2, proof) -- all invalid
    (0, 1, EMPTY_B64, EMPTY_B64, [EMPTY_B64]),
    (0, 0, EMPTY_B64, "ZG9uJ3QgY2FyZSAy", []),
    (1, 1, EMPTY_B64, "ZG9uJ3QgY2FyZSAy", []),
    (2, 1, "ZG9uJ3QgY2FyZSAx", "ZG9uJ3QgY2FyZSAy", []),
    (1, 0, "ZG9uJ3QgY2FyZSAx", "ZG9uJ3QgY2FyZSAy", []),
    (0, 1, "ZG9uJ3QgY2FyZSAx", "ZG9uJ3QgY2FyZSAy", []),
    (0, 1, EMPTY_B64, "ZG9uJ3QgY2FyZSAy", []),
    (1, 1, "ZG9uJ3QgY2FyZSAx", "ZG9uJ3QgY2FyZSAy", []),
    (0, 0, "ZG9uJ3QgY2FyZSAx", "ZG9uJ3QgY2FyZSAx", []),
    (0, 0, "ZG9uJ3QgY2FyZSAx", "ZG9uJ3QgY2FyZSAy", []),
    (1, 2, "ZG9uJ3QgY2FyZSAx", "ZG9uJ3QgY2FyZSAy", []),
    (1, 1, EMPTY_B64, EMPTY_B64, [EMPTY_B64]),
    (0, 0, EMPTY_B64, EMPTY_B64, [EMPTY_B64]),
]


def flip(h, bit=0):
    return h[:bit // 8] + bytes([h[bit // 8] ^ (1 << (bit % 8))]) + h[bit // 8 + 1:]


class TestMerkle(unittest.TestCase):
    def setUp(self):
        self.leaves = [rfc6962_leaf(bytes.fromhex(x)) for x in MERKLE_LEAVES]
        self.tree = tc.TileHashes.from_leaf_hashes(self.leaves)

    def test_hasher_vectors(self):
        # transparency-dev/merkle rfc6962/rfc6962_test.go
        self.assertEqual(tc.EMPTY_ROOT.hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        self.assertEqual(tc.leaf_hash(b"").hex(), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        self.assertEqual(tc.leaf_hash(b"L123456").hex(), "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")
        self.assertEqual(tc.node_hash(b"N123", b"N456").hex(), "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb")
        # golang.org/x/mod sumdb/tlog/note_test.go: RecordHash("hello world")
        self.assertEqual(b64(tc.leaf_hash(b"hello world")), "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=")

    def test_reference_tree_roots_and_nodes(self):
        for size, root in enumerate(MERKLE_ROOTS):
            self.assertEqual(self.tree.root(size).hex(), root, "size %d" % size)
            self.assertEqual(tc.TileHashes.from_leaf_hashes(self.leaves[:size]).root().hex(), root)
        for level, row in enumerate(MERKLE_NODES):
            for index, h in enumerate(row):
                self.assertEqual(self.tree.node(level, index).hex(), h)

    def test_published_proofs_are_reproduced_and_verify(self):
        for idx, size, root, leaf, proof in INCLUSION_PROBES:
            root, leaf, proof = unb64(root), unb64(leaf), [unb64(p) for p in proof]
            self.assertEqual(self.tree.inclusion_path(idx, size), proof)
            self.assertEqual(self.tree.root(size), root)
            self.assertTrue(tc.verify_inclusion(idx, size, leaf, proof, root))
        for m, n, r1, r2, proof in CONSISTENCY_PROBES:
            r1, r2, proof = unb64(r1), unb64(r2), [unb64(p) for p in proof]
            if m < n:
                self.assertEqual(self.tree.consistency_proof(m, n), proof)
            self.assertTrue(tc.verify_consistency(m, n, r1, r2, proof))

    def test_mutated_inclusion_proofs_fail(self):
        garbage = sha256(b"garbage")
        for idx, size, root, leaf, proof in INCLUSION_PROBES:
            root, leaf, proof = unb64(root), unb64(leaf), [unb64(p) for p in proof]
            mutations = {
                "wrong-leaf": (idx, size, sha256(b"WrongLeaf"), proof, root),
                "leafIdx-plus-1": (idx + 1, size, leaf, proof, root),
                "leafIdx-sub-1": (idx - 1, size, leaf, proof, root),
                "leafIdx-XOR-2": (idx ^ 2, size, leaf, proof, root),
                "treeSize-mul-2": (idx, size * 2, leaf, proof, root),
                "treeSize-div-2": (idx, size // 2, leaf, proof, root),
                "empty-root": (idx, size, leaf, proof, b""),
                "random-root": (idx, size, leaf, proof, sha256(b"random")),
                "preceding-garbage": (idx, size, leaf, [garbage] + proof, root),
                "trailing-garbage": (idx, size, leaf, proof + [garbage], root),
                "preceding-root": (idx, size, leaf, [root] + proof, root),
                "trailing-root": (idx, size, leaf, proof + [root], root),
            }
            for i in range(len(proof)):
                mutations["modified-proof[%d]" % i] = (idx, size, leaf, proof[:i] + [flip(proof[i], 3)] + proof[i + 1:], root)
                mutations["removed-component-%d" % i] = (idx, size, leaf, proof[:i] + proof[i + 1:], root)
                mutations["inserted-component-%d" % i] = (idx, size, leaf, proof[:i] + [garbage] + proof[i:], root)
            for name, args in mutations.items():
                self.assertFalse(tc.verify_inclusion(*args), "%s of (%d, %d)" % (name, idx, size))
        for idx, size, root, leaf, proof, valid in EXTRA_INCLUSION:
            self.assertEqual(tc.verify_inclusion(idx, size, unb64(leaf), [unb64(p) for p in proof], unb64(root)), valid)

    def test_mutated_consistency_proofs_fail(self):
        garbage = sha256(b"garbage")
        for m, n, r1, r2, proof in CONSISTENCY_PROBES:
            if m == n:
                continue
            r1, r2, proof = unb64(r1), unb64(r2), [unb64(p) for p in proof]
            mutations = {
                "size1-plus-1": (m + 1, n, r1, r2, proof),
                "size1-sub-1": (m - 1, n, r1, r2, proof),
                "size1-XOR-2": (m ^ 2, n, r1, r2, proof),
                "size2-mul-2": (m, n * 2, r1, r2, proof),
                "size2-div-2": (m, n // 2, r1, r2, proof),
                "swapped-roots": (m, n, r2, r1, proof),
                "wrong-root1": (m, n, sha256(b"w1"), r2, proof),
                "wrong-root2": (m, n, r1, sha256(b"w2"), proof),
                "empty-proof": (m, n, r1, r2, []),
                "truncated-proof": (m, n, r1, r2, proof[:-1]),
                "preceding-garbage": (m, n, r1, r2, [garbage] + proof),
                "trailing-garbage": (m, n, r1, r2, proof + [garbage]),
                "preceding-root1": (m, n, r1, r2, [r1] + proof),
                "preceding-root2": (m, n, r1, r2, [r2] + proof),
                "trailing-root1": (m, n, r1, r2, proof + [r1]),
                "trailing-root2": (m, n, r1, r2, proof + [r2]),
                "preceding-proof-@0": (m, n, r1, r2, proof[:1] + proof),
            }
            for i in range(len(proof)):
                mutations["modified-proof@%d" % i] = (m, n, r1, r2, proof[:i] + [flip(proof[i], 4)] + proof[i + 1:])
            for name, args in mutations.items():
                self.assertFalse(tc.verify_consistency(*args), "%s of (%d, %d)" % (name, m, n))
        for m, n, r1, r2, proof in EXTRA_CONSISTENCY:
            self.assertFalse(tc.verify_consistency(m, n, unb64(r1), unb64(r2), [unb64(p) for p in proof]),
                             (m, n, r1, r2))

    def test_proofs_across_tile_levels_against_naive_mth(self):
        # 1,100 leaves: four full level-0 tiles, a partial one, a partial level-1 tile.
        hashes = [rfc6962_leaf(b"%d" % i) for i in range(1100)]
        tree = tc.TileHashes.from_leaf_hashes(hashes)
        self.assertEqual(len(tree._levels), 2)
        sizes = [1, 2, 3, 7, 8, 255, 256, 257, 511, 512, 513, 700, 1024, 1025, 1099, 1100]
        roots = {n: naive_mth(hashes, 0, n) for n in sizes}
        for n in sizes:
            self.assertEqual(tree.root(n), roots[n], n)
            for i in {0, n // 3, n // 2, n - 1}:
                self.assertTrue(tc.verify_inclusion(i, n, hashes[i], tree.inclusion_path(i, n), roots[n]))
                self.assertFalse(tc.verify_inclusion(i, n, hashes[(i + 1) % 1100], tree.inclusion_path(i, n), roots[n]))
            for m in sizes:
                if m < n:
                    proof = tree.consistency_proof(m, n)
                    self.assertTrue(tc.verify_consistency(m, n, roots[m], roots[n], proof), (m, n))
                    self.assertFalse(tc.verify_consistency(m, n, flip(roots[m]), roots[n], proof), (m, n))
        for m in range(1, 40):
            for n in range(m, 40):
                proof = tree.consistency_proof(m, n)
                self.assertTrue(tc.verify_consistency(m, n, naive_mth(hashes, 0, m), naive_mth(hashes, 0, n), proof))


class TestTileLayout(unittest.TestCase):
    def test_index_encoding(self):
        # golang.org/x/mod sumdb/tlog/tlog_test.go tilePaths (height element dropped) and tlog-tiles.md.
        self.assertEqual(tc.tile_path(0, 1), "tile/0/001")
        self.assertEqual(tc.tile_path(0, 1, 5), "tile/0/001.p/5")
        self.assertEqual(tc.tile_path(5, 123456078), "tile/5/x123/x456/078")
        self.assertEqual(tc.tile_path(5, 123456078, 2), "tile/5/x123/x456/078.p/2")
        self.assertEqual(tc.tile_path(0, 3057500), "tile/0/x003/x057/500")
        self.assertEqual(tc.encode_tile_index(1234067), "x001/x234/067")
        self.assertEqual(tc.encode_tile_index(0), "000")
        self.assertEqual(tc.encode_tile_index(1000), "x001/000")
        self.assertEqual(tc.entries_path(1, 44), "tile/entries/001.p/44")
        for n in (0, 1, 999, 1000, 123456, 1234567, 10**12 + 7):
            self.assertEqual(tc.encode_tile_index(n), index_element(n))
        for bad in ((64, 0, 256), (0, 0, 0), (0, 0, 257), (-1, 0, 1), (0, -1, 1)):
            self.assertRaises(ValueError, tc.tile_path, *bad)

    def test_spec_examples(self):
        # tlog-tiles "Partial Tiles": 70,000 -> 273 full level 0 tiles, one partial of width 112,
        # one full level 1 tile, one partial of width 17, one partial level 2 tile of width 1.
        self.assertEqual(tc.tile_levels(70000), 3)
        l0, l1, l2 = (tc.tiles_at_level(70000, lvl) for lvl in range(3))
        self.assertEqual((len(l0), l0[-1]), (274, (273, 112)))
        self.assertTrue(all(w == 256 for _, w in l0[:-1]))
        self.assertEqual(l1, [(0, 256), (1, 17)])
        self.assertEqual(l2, [(0, 1)])
        # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1"
        self.assertEqual([tc.tiles_at_level(256, lvl) for lvl in range(tc.tile_levels(256))], [[(0, 256)], [(0, 1)]])
        self.assertEqual(tc.tile_levels(0), 0)

    def test_entry_bundles(self):
        bundle = b"\x00\x03abc\x00\x00\x00\x01z"
        self.assertEqual(tc.parse_entry_bundle(bundle, 3), [b"abc", b"", b"z"])
        self.assertRaises(tc.InputError, tc.parse_entry_bundle, bundle, 2)
        self.assertRaises(tc.InputError, tc.parse_entry_bundle, bundle[:-1], 3)
        self.assertRaises(tc.InputError, tc.parse_entry_bundle, bundle + b"\x00", 3)
        big = b"\xff\xff" + b"x" * 0xFFFF
        self.assertEqual(tc.parse_entry_bundle(big, 1), [b"x" * 0xFFFF])

    def test_entry_longer_than_uint16_cannot_be_written(self):
        log = StaticLog(None, LOG)  # nothing is written
        log.append(b"x" * 0xFFFF)  # the largest entry a bundle can carry
        self.assertRaises(ValueError, log.append, b"x" * 0x10000)
        self.assertEqual(len(log.entries), 1)


# ---------------------------------------------------------------------------
# The Sunlight mirror tree, end to end.
# ---------------------------------------------------------------------------

class TestSunlightTree(TempDirTestCase):
    def git_blob_id(self, data):
        return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()

    def test_tiles_match_sunlight_and_external_cosignature_verifies(self):
        signer = Signer(SUNLIGHT_ORIGIN, "our own key for the sunlight origin")
        log = StaticLog(self.mkdir("sunlight"), signer, [b"record %d" % i for i in range(300)])
        log.publish()
        for rel, blob in SUNLIGHT_TILE_BLOBS.items():
            self.assertEqual(self.git_blob_id(log.read(rel)), blob, rel)
        mirror_note = tc.parse_note(SUNLIGHT_MIRROR_CHECKPOINT)
        self.assertEqual(log.checkpoint_text(), mirror_note.text)
        # Our log signature plus Sunlight's mirror cosignature over the same body.
        checkpoint = sign_note(mirror_note.text, [signer]) + \
            SUNLIGHT_MIRROR_CHECKPOINT[len(mirror_note.text) + 1:]
        log.write("checkpoint", checkpoint)
        report = tc.verify_log(log.dir, signer.vkey, witness_keys=[SUNLIGHT_MIRROR_VKEY], quorum=1)
        self.assertEqual(report.checkpoint.size, 300)
        self.assertEqual([c.timestamp for c in report.cosignatures], [SUNLIGHT_COSIGNATURE_TIME])
        self.assertFails(tc.VerificationError, "quorum not met", tc.verify_log, log.dir, signer.vkey,
                         witness_keys=[SUNLIGHT_MIRROR_VKEY, SUNLIGHT_WITNESS_VKEY], quorum=2)

    def test_rfc6962_log_signature_line_is_ignored(self):
        # The Sunlight witness checkpoint carries a type 0x05 line named like the origin:
        # a same-name, other-ID key, which must be ignored.
        signer = Signer(SUNLIGHT_ORIGIN, "our own key for the sunlight origin")
        note = tc.parse_note(SUNLIGHT_WITNESS_CHECKPOINT)
        msg = SUNLIGHT_WITNESS_CHECKPOINT + signer.signature_line(note.text).encode()
        cp, opened = tc.open_checkpoint(msg, tc.parse_vkey(signer.vkey))
        self.assertEqual(cp.size, 300)
        self.assertEqual(len(tc.verify_cosignatures(opened, [tc.parse_vkey(SUNLIGHT_WITNESS_VKEY)])), 1)


# ---------------------------------------------------------------------------
# Synthetic logs.
# ---------------------------------------------------------------------------

def expected_paths(size):
    paths = ["checkpoint"]
    level = 0
    while size >> (8 * level):
        count = size >> (8 * level)
        for n in range(count // 256):
            paths.append("tile/%d/%s" % (level, index_element(n)))
        if count % 256:
            paths.append("tile/%d/%s.p/%d" % (level, index_element(count // 256), count % 256))
        level += 1
    for n in range(size // 256):
        paths.append("tile/entries/" + index_element(n))
    if size % 256:
        paths.append("tile/entries/%s.p/%d" % (index_element(size // 256), size % 256))
    return sorted(paths)


class TestSyntheticLogs(TempDirTestCase):
    def test_sizes(self):
        for size in (0, 1, 2, 255, 256, 257, 511, 512, 513):
            with self.subTest(size=size):
                log, _ = self.new_log("log%d" % size, entries(size))
                client = tc.Client(tc.Options(base_url=log.dir, log_key=LOG.vkey))
                report = client.run()
                self.assertEqual(report.checkpoint.size, size)
                self.assertEqual(report.checkpoint.root, log.root())
                self.assertEqual(report.entries_verified, size)
                self.assertEqual(report.proofs_verified, min(size, 10000))
                self.assertEqual(sorted(client.fetcher.fetched), expected_paths(size))
                self.assertEqual(report.warnings, [])

    def test_variable_length_entries(self):
        items = [b"", b"\x00", b"x" * 0xFFFF, "\u00e9".encode()] + [(sha256(b"%d" % i) * 10)[:i % 300] for i in range(300)]
        log, _ = self.new_log("var", items)
        out = os.path.join(self.tmp, "entries.jsonl")
        self.verify(log, entries_out=out, all_proofs=True)
        with open(out) as f:
            rows = [json.loads(line) for line in f]
        self.assertEqual([r["index"] for r in rows], list(range(len(items))))
        self.assertEqual([base64.b64decode(r["entry_base64"]) for r in rows], items)

    def test_extension_lines_are_signed_and_accepted(self):
        log, _ = self.new_log("ext", entries(3), extensions=["ext line one", "two"])
        report = self.verify(log)
        self.assertEqual(report.checkpoint.extensions, ("ext line one", "two"))

    def test_gzipped_bundles_on_disk(self):
        log, _ = self.new_log("gz", entries(300))
        for rel in ("tile/entries/000", "tile/entries/001.p/44"):
            log.write(rel, gzip.compress(log.read(rel)))
        self.verify(log)

    def test_tampered_tiles(self):
        log, _ = self.new_log("t", entries(600))
        original = {rel: log.read(rel) for rel in ("tile/0/000", "tile/0/002.p/88", "tile/1/000.p/2")}
        cases = [("tile/0/000", "tile/0/000 does not hash to hash 0 of tile/1/000.p/2"),
                 ("tile/0/002.p/88", "root computed from the tiles"),
                 ("tile/1/000.p/2", "tile/0/001 does not hash to hash 1 of tile/1/000.p/2")]
        for rel, message in cases:
            with self.subTest(tile=rel):
                data = original[rel]
                log.write(rel, data[:40] + bytes([data[40] ^ 1]) + data[41:])
                try:
                    self.assertFails(tc.VerificationError, message, self.verify, log)
                finally:
                    log.write(rel, data)
        self.verify(log)

    def test_tampered_entry(self):
        log, _ = self.new_log("e", entries(600))
        bundle = bytearray(log.read("tile/entries/001"))
        bundle[-1] ^= 1  # the last entry of the second bundle: index 511
        log.write("tile/entries/001", bytes(bundle))
        self.assertFails(tc.VerificationError, "entry 511 (in tile/entries/001)", self.verify, log)

    def test_malformed_resources(self):
        log, _ = self.new_log("m", entries(300))
        log.write("tile/0/001.p/44", log.read("tile/0/001.p/44")[:-1])
        self.assertFails(tc.InputError, "tile/0/001.p/44", self.verify, log)
        log.publish()
        log.write("tile/entries/001.p/44", log.read("tile/entries/001.p/44")[:-3])
        self.assertFails(tc.InputError, "tile/entries/001.p/44", self.verify, log)
        log.publish()
        os.remove(log.path("tile/entries/000"))
        self.assertFails(tc.NotFoundError, "tile/entries/000", self.verify, log)

    def test_bad_signatures(self):
        log, checkpoint = self.new_log("s", entries(5))
        text, rest = checkpoint.split(b"\n\n", 1)
        sig = bytearray(base64.b64decode(rest.split(b" ")[2]))
        sig[10] ^= 1
        log.write("checkpoint", text + b"\n\n" + rest.split(b" ")[0] + b" " + rest.split(b" ")[1] + b" " +
                  base64.b64encode(bytes(sig)) + b"\n")
        self.assertFails(tc.VerificationError, "invalid signature from example.com/testlog+", self.verify, log)
        # Signed by another key with the log's name; and the right note checked with that other key.
        log.write("checkpoint", sign_note(log.checkpoint_text(), [OTHER_LOG]))
        self.assertFails(tc.VerificationError, "no valid signature", self.verify, log)
        log.write("checkpoint", checkpoint)
        self.assertFails(tc.VerificationError, "no valid signature", self.verify, log, log_key=OTHER_LOG.vkey)
        # A checkpoint that lies about the root, validly signed.
        forged = log.checkpoint_text().replace(b64(log.root()).encode(), b64(sha256(b"lie")).encode())
        log.write("checkpoint", sign_note(forged, [LOG]))
        self.assertFails(tc.VerificationError, "root computed from the tiles", self.verify, log)

    def test_malformed_checkpoint_is_input_error(self):
        log, checkpoint = self.new_log("mc", entries(5))
        for bad in (checkpoint.replace(b"\n5\n", b"\n05\n"), checkpoint.replace(b"\n\n", b"\n"),
                    checkpoint + b"trailing", checkpoint.replace(b"\n", b"\r\n", 1)):
            log.write("checkpoint", bad)
            self.assertRaises(tc.InputError, self.verify, log)

    def test_partial_tile_fallback_to_full_tile(self):
        log = StaticLog(self.mkdir("grow"), LOG, entries(280))
        old = log.publish()
        log.append(*entries(320, b"more"))
        log.publish()
        os.remove(log.path("tile/0/001.p/24"))
        os.remove(log.path("tile/entries/001.p/24"))
        old_file = self.save("old-checkpoint", old)
        report = self.verify(log, checkpoint_file=old_file)
        self.assertEqual(report.checkpoint.size, 280)
        self.assertEqual(len(report.warnings), 2)
        self.assertFails(tc.VerificationError, "tile/0/001.p/24 missing", self.verify, log,
                         checkpoint_file=old_file, strict=True)


class TestLargeLog(TempDirTestCase):
    """70,000 entries: level-1 and level-2 tiles, partial tiles at every level."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tlog-client-large-")
        cls.log = StaticLog(cls.dir, LOG, entries(70000))
        cls.checkpoint = cls.log.publish([W1, W2])
        cls.hashes = cls.log.leaf_hashes()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, True)

    def test_verifies(self):
        client = tc.Client(tc.Options(base_url=self.dir, log_key=LOG.vkey, witness_keys=[W1.vkey, W2.vkey],
                                      quorum=2))
        report = client.run()
        self.assertEqual(report.checkpoint.size, 70000)
        self.assertEqual(report.tiles_fetched, 273 + 1 + 1 + 1 + 1)
        self.assertEqual(sorted(client.fetcher.fetched), expected_paths(70000))
        self.assertIn("tile/2/000.p/1", client.fetcher.fetched)
        self.assertIn("tile/1/001.p/17", client.fetcher.fetched)
        self.assertIn("tile/0/273.p/112", client.fetcher.fetched)
        self.assertEqual(report.entries_verified, 70000)
        self.assertEqual(report.proofs_verified, 10000)

    def test_consistency_from_older_sizes(self):
        sizes = (1, 255, 256, 257, 65535, 65536, 65537, 69999, 70000)
        files = []
        for m in sizes:
            root = naive_mth(self.hashes, 0, m)
            old = sign_note(("%s\n%d\n%s\n" % (LOG.name, m, b64(root))).encode(), [LOG])
            files.append(self.save("old%d" % m, old))
        report = self.verify(self.dir, old_checkpoints=files, skip_entries=True, proof_sample=50)
        self.assertEqual(len(report.consistency), len(sizes))
        self.assertIn("same size 70000", report.consistency[0])


class TestConsistencyAndState(TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.a, self.cp_a = self.new_log("a", entries(300))                       # size 300
        self.b, self.cp_b = self.new_log("b", entries(400))                       # extends a
        forked = entries(400)
        forked[7] = b"forked entry"
        self.c, self.cp_c = self.new_log("c", forked)                             # same size as b, forks at 7
        self.d, self.cp_d = self.new_log("d", entries(350))                       # a prefix of b

    def test_old_checkpoint_mode(self):
        old = self.save("cp_a", self.cp_a)
        report = self.verify(self.b, old_checkpoints=[old])
        self.assertIn("300 -> 400", report.consistency[0])
        self.assertFails(tc.VerificationError, "consistency proof", self.verify, self.c, old_checkpoints=[old])
        self.assertFails(tc.VerificationError, "rollback", self.verify, self.a,
                         old_checkpoints=[self.save("cp_b", self.cp_b)])
        self.assertFails(tc.VerificationError, "different roots (fork)", self.verify, self.c,
                         old_checkpoints=[self.save("cp_b2", self.cp_b)])
        self.verify(self.b, old_checkpoints=[self.save("cp_b3", self.cp_b)])  # same checkpoint
        # Old checkpoints must be signed by the log too.
        self.assertFails(tc.VerificationError, "no valid signature", self.verify, self.b,
                         old_checkpoints=[self.save("cp_x", sign_note(self.a.checkpoint_text(), [OTHER_LOG]))])
        # Two checkpoint files; the log only serves the tiles.
        report = self.verify(self.b, checkpoint_file=self.save("cp_b4", self.cp_b), old_checkpoints=[old],
                             skip_entries=True)
        self.assertEqual(report.checkpoint.size, 400)

    def test_state_directory(self):
        state = self.mkdir("state")
        stored = os.path.join(state, "checkpoint")
        self.verify(self.a, state_dir=state)
        with open(stored, "rb") as f:
            self.assertEqual(f.read(), self.cp_a)
        report = self.verify(self.d, state_dir=state)
        self.assertIn("300 -> 350", report.consistency[0])
        self.verify(self.b, state_dir=state)
        self.verify(self.b, state_dir=state)  # unchanged log
        for log, message in ((self.c, "fork"), (self.d, "rollback"), (self.a, "rollback")):
            self.assertFails(tc.VerificationError, message, self.verify, log, state_dir=state)
            with open(stored, "rb") as f:
                self.assertEqual(f.read(), self.cp_b, "state must not change on failure")
        self.assertEqual([n for n in os.listdir(state)], ["checkpoint"])

    def test_state_of_another_log_is_an_input_error(self):
        state = self.mkdir("state2")
        other = Signer("example.com/another", "another log")
        log, _ = self.new_log("other", entries(3), signer=other)
        tc.verify_log(log.dir, other.vkey, state_dir=state)
        self.assertRaises(tc.InputError, self.verify, self.a, state_dir=state)

    def test_fork_with_consistent_prefix_lengths(self):
        # Two trees that agree on their first 256 entries but not after: consistent from 256 only.
        x, _ = self.new_log("x", entries(300))
        y_items = entries(300)
        y_items[299] = b"different"
        y, _ = self.new_log("y", y_items)
        for m, ok in ((256, True), (299, True), (300, False)):
            old = sign_note(("%s\n%d\n%s\n" % (LOG.name, m, b64(x.root(m)))).encode(), [LOG])
            run = lambda: self.verify(y, old_checkpoints=[self.save("o%d" % m, old)], skip_entries=True)  # noqa: E731
            if ok:
                run()
            else:
                self.assertRaises(tc.VerificationError, run)


class TestCosignatures(TempDirTestCase):
    def test_quorum(self):
        log, _ = self.new_log("q", entries(10), cosigners=[W1, W2])
        keys = [W1.vkey, W2.vkey, W3.vkey]
        report = self.verify(log, witness_keys=keys, quorum=2)
        self.assertEqual(sorted(c.witness.name for c in report.cosignatures), ["w1.example", "w2.example"])
        self.assertEqual(sorted(c.timestamp for c in report.cosignatures), [1700000001, 1700000002])
        e = self.assertFails(tc.VerificationError, "quorum not met: 2 valid, 3 required", self.verify, log,
                             witness_keys=keys, quorum=3)
        self.assertIn("w3.example", str(e))
        self.assertRaises(tc.InputError, self.verify, log, witness_keys=[W1.vkey], quorum=2)

    def test_unknown_and_duplicate_cosignatures(self):
        impostor = Signer("w1.example", "not witness one", 0x04)  # same name, other key ID
        log, _ = self.new_log("u", entries(10), cosigners=[W1, W1, impostor, W3])
        report = self.verify(log, witness_keys=[W1.vkey, W2.vkey], quorum=1)
        self.assertEqual([c.witness.name for c in report.cosignatures], ["w1.example"])
        self.assertRaises(tc.VerificationError, self.verify, log, witness_keys=[W1.vkey, W2.vkey], quorum=2)

    def test_invalid_cosignature_from_configured_witness(self):
        log, checkpoint = self.new_log("i", entries(10))
        body = log.checkpoint_text()
        # A cosignature over another body (a different timestamp line than signed).
        line = W2.signature_line(body)
        raw = bytearray(base64.b64decode(line.split(" ")[2]))
        raw[4 + 7] ^= 1  # timestamp
        bad = "\u2014 %s %s\n" % (W2.name, b64(bytes(raw)))
        log.write("checkpoint", checkpoint + bad.encode())
        self.assertFails(tc.VerificationError, "invalid cosignature from w2.example+", self.verify, log,
                         witness_keys=[W2.vkey])
        # A cosignature line with the wrong length.
        short = "\u2014 %s %s\n" % (W2.name, b64(W2.key_id + bytes(70)))
        log.write("checkpoint", checkpoint + short.encode())
        self.assertFails(tc.VerificationError, "expected 72", self.verify, log, witness_keys=[W2.vkey])
        # A plain Ed25519 (type 0x01) signature by the witness key is not a cosignature.
        plain = Signer(W2.name, "witness two", 0x01)
        log.write("checkpoint", checkpoint + plain.signature_line(body).encode())
        self.assertEqual(self.verify(log, witness_keys=[W2.vkey]).cosignatures, [])

    def test_timestamp_limit(self):
        late = Signer("w4.example", "witness four", 0x04, timestamp=1 << 63)
        log, _ = self.new_log("ts", entries(2), cosigners=[late])
        self.assertFails(tc.VerificationError, "2^63-1", self.verify, log, witness_keys=[late.vkey])


# ---------------------------------------------------------------------------
# HTTP and the command line.
# ---------------------------------------------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        cfg = self.server.cfg
        prefix = "/log/"
        rel = self.path[len(prefix):] if self.path.startswith(prefix) else None
        if rel is not None and rel in cfg.get("errors", {}):
            self.send_error(cfg["errors"][rel])
            return
        name = os.path.join(cfg["dir"], *rel.split("/")) if rel else None
        if not name or not os.path.isfile(name):
            self.send_error(404)
            return
        with open(name, "rb") as f:
            body = f.read()
        self.send_response(200)
        if rel == "checkpoint":
            self.send_header("Content-Type", cfg.get("checkpoint_type", "text/plain; charset=utf-8"))
        else:
            self.send_header("Content-Type", "application/octet-stream")
        if cfg.get("gzip") and rel.startswith("tile/entries/"):
            body = gzip.compress(body)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class TestHTTPAndCLI(TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.log, self.cp = self.new_log("http", entries(600), cosigners=[W1])
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.cfg = {"dir": self.log.dir}
        thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        thread.start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.url = "http://127.0.0.1:%d/log" % self.server.server_address[1]

    def test_http(self):
        self.server.cfg["gzip"] = True
        report = self.verify(self.url, witness_keys=[W1.vkey], quorum=1)
        self.assertEqual(report.warnings, [])
        self.verify(self.url + "/")

    def test_http_errors(self):
        self.server.cfg["errors"] = {"tile/0/001": 500}
        self.assertFails(tc.FetchError, "HTTP 500", self.verify, self.url)
        self.server.cfg["errors"] = {"tile/0/002.p/88": 404}
        self.assertFails(tc.NotFoundError, "tile/0/002.p/88", self.verify, self.url)
        self.assertRaises(tc.FetchError, self.verify, "http://127.0.0.1:1/log")

    def test_content_type_warning(self):
        self.server.cfg["checkpoint_type"] = "application/octet-stream"
        self.assertEqual(len(self.verify(self.url).warnings), 1)
        self.assertFails(tc.VerificationError, "Content-Type", self.verify, self.url, strict=True)

    def run_cli(self, *args):
        proc = subprocess.run([sys.executable, CLIENT] + list(args), capture_output=True, text=True, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr

    def test_cli(self):
        out = os.path.join(self.tmp, "entries.jsonl")
        state = self.mkdir("state")
        rc, stdout, stderr = self.run_cli(self.url, "--log-key", LOG.vkey, "--witness-key", W1.vkey,
                                          "--quorum", "1", "--state", state, "--entries-out", out)
        self.assertEqual(rc, 0, stderr)
        self.assertIn("OK", stdout)
        self.assertIn("cosignatures: 1 valid", stdout)
        with open(out) as f:
            rows = [json.loads(line) for line in f]
        self.assertEqual(len(rows), 600)
        self.assertEqual(rows[599], {"index": 599, "entry_base64": b64(b"entry 599")})
        # Local directory and file:// URLs.
        self.assertEqual(self.run_cli(self.log.dir, "--log-key", LOG.vkey, "-q")[0], 0)
        self.assertEqual(self.run_cli("file://" + self.log.dir, "--log-key", LOG.vkey, "--state", state,
                                      "--all-proofs")[0], 0)
        # Quorum not met: exit 1 naming the witness.
        rc, _, stderr = self.run_cli(self.url, "--log-key", LOG.vkey, "--witness-key", W1.vkey,
                                     "--witness-key", W2.vkey, "--quorum", "2")
        self.assertEqual(rc, 1)
        self.assertIn("w2.example", stderr)
        # A fork against the saved state: exit 1.
        forked = entries(600)
        forked[0] = b"fork"
        fork, _ = self.new_log("fork", forked)
        rc, _, stderr = self.run_cli(fork.dir, "--log-key", LOG.vkey, "--state", state)
        self.assertEqual(rc, 1, stderr)
        self.assertIn("fork", stderr)
        # Usage and network errors: exit 2.
        self.assertEqual(self.run_cli(self.url)[0], 2)
        self.assertEqual(self.run_cli(self.url, "--log-key", "not-a-vkey")[0], 2)
        self.assertEqual(self.run_cli("http://127.0.0.1:1/log", "--log-key", LOG.vkey)[0], 2)
        self.assertEqual(self.run_cli(self.url, "--log-key", LOG.vkey, "--old-checkpoint", "/nonexistent")[0], 2)


if __name__ == "__main__":
    unittest.main()
