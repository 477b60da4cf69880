"""Tests of the independent Python verifier (tests/python/verify_bundle.py).

Run from the repository root:

    python3 -m unittest discover -s tests/python -v

They check ChaCha20 against RFC 8439, the seed and stream vectors of tests/vectors/, the mini
bundle (which must PASS), that changing any single value of the mini bundle makes it FAIL, and
any bundles published under registries/.
"""

import copy
import datetime
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VECTORS = os.path.join(ROOT, "tests", "vectors")
MINI_BUNDLE = os.path.join(VECTORS, "mini-bundle.json")
MINI_BUNDLE_V1 = os.path.join(VECTORS, "mini-bundle-v1.json")
MINI_BUNDLE_V2 = os.path.join(VECTORS, "mini-bundle-v2.json")
MINI_BUNDLE_V3 = os.path.join(VECTORS, "mini-bundle-v3.json")
MINI_BUNDLE_V4 = os.path.join(VECTORS, "mini-bundle-v4.json")
STRATA_BUNDLE = os.path.join(VECTORS, "strata-bundle.json")
JOINT_BUNDLE = os.path.join(VECTORS, "joint-bundle.json")
VERIFIER = os.path.join(HERE, "verify_bundle.py")

sys.path.insert(0, HERE)
import verify_bundle as vb  # noqa: E402


def hexbytes(text):
    """Bytes from hex written as in the RFC (spaces, colons and newlines ignored)."""
    return bytes.fromhex(re.sub(r"[\s:]", "", text))


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_mini():
    return load_json(MINI_BUNDLE)


def run_cli(*args):
    """Run the verifier as a program; returns (exit status, stdout)."""
    result = subprocess.run([sys.executable, VERIFIER, *args], capture_output=True, text=True, encoding="utf-8")
    return result.returncode, result.stdout


# ─────────────────────────────────────────────────────────────────────────────────────────────
# ChaCha20 against RFC 8439 (vectors typed in from the RFC)
# ─────────────────────────────────────────────────────────────────────────────────────────────


class ChaCha20Test(unittest.TestCase):
    def test_quarter_round_rfc8439_2_1_1(self):
        state = [0x11111111, 0x01020304, 0x9B8D6F43, 0x01234567] + [0] * 12
        vb.quarter_round(state, 0, 1, 2, 3)
        self.assertEqual(state[:4], [0xEA2A92F4, 0xCB1CF8CE, 0x4581472E, 0x5881C4BB])

    def test_block_function_rfc8439_2_3_2(self):
        key = bytes(range(32))
        nonce = hexbytes("00:00:00:09:00:00:00:4a:00:00:00:00")
        expected = hexbytes(
            """
            10 f1 e7 e4 d1 3b 59 15 50 0f dd 1f a3 20 71 c4
            c7 d1 f4 c7 33 c0 68 03 04 22 aa 9a c3 d4 6c 4e
            d2 82 64 46 07 9f aa 09 14 c2 d7 05 d9 8b 02 a2
            b5 12 9c d1 de 16 4e b9 cb d0 83 e8 a2 50 3c 4e
            """
        )
        self.assertEqual(vb.chacha20_block(key, 1, nonce), expected)

    def test_keystream_rfc8439_a1_vectors_1_and_2(self):
        """A.1 #1 (zero key and nonce, counter 0) and #2 (same, counter 1) are the first two
        blocks of the zero key's stream, which is how §4.3 reads a stream."""
        vector_1 = hexbytes(
            """
            76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28
            bd d2 19 b8 a0 8d ed 1a a8 36 ef cc 8b 77 0d c7
            da 41 59 7c 51 57 48 8d 77 24 e0 3f b8 d8 4a 37
            6a 43 b8 f4 15 18 a1 1c c3 87 b6 69 b2 ee 65 86
            """
        )
        vector_2 = hexbytes(
            """
            9f 07 e7 be 55 51 38 7a 98 ba 97 7c 73 2d 08 0d
            cb 0f 29 a0 48 e3 65 69 12 c6 53 3e 32 ee 7a ed
            29 b7 21 76 9c e6 4e 43 d5 71 33 b0 74 d8 39 d5
            31 ed 1f 28 51 0a fb 45 ac e1 0a 1f 4b 79 4d 6f
            """
        )
        self.assertEqual(vb.chacha20_block(bytes(32), 0), vector_1)
        stream = vb.Stream(bytes(32))
        self.assertEqual(stream.keystream(128), vector_1 + vector_2)
        # Words are little-endian u64 of consecutive 8-byte groups, across block boundaries.
        words = [stream.next_word() for _ in range(16)]
        expected = [int.from_bytes((vector_1 + vector_2)[8 * k : 8 * k + 8], "little") for k in range(16)]
        self.assertEqual(words, expected)
        self.assertEqual(stream.words_used, 16)

    def test_counter_is_32_bits(self):
        with self.assertRaises(ValueError):
            vb.chacha20_block(bytes(32), 1 << 32)


# ─────────────────────────────────────────────────────────────────────────────────────────────
# tests/vectors/seed.json and stream.json
# ─────────────────────────────────────────────────────────────────────────────────────────────


class SeedVectorTest(unittest.TestCase):
    def test_seed_vectors(self):
        cases = load_json(os.path.join(VECTORS, "seed.json"))["cases"]
        self.assertTrue(cases)
        for case in cases:
            with self.subTest(case=case["case"]):
                pairs = [(w["witness"], w["digits"]) for w in case["witnesses"]]
                encoding = vb.ceremony_encoding(pairs)
                self.assertEqual(encoding.hex(), case["entropy_encoding"])
                seed = vb.derive_seed(case["commitment_hash"], encoding, case["spec_version"])
                self.assertEqual(seed.hex(), case["seed"])
                for label, key in case["stream_keys"].items():
                    self.assertEqual(vb.stream_key(seed, label).hex(), key, label)


class StreamVectorTest(unittest.TestCase):
    """stream.json: per key, the first words, and for each n the values of repeated below(n)
    calls on a fresh stream of that key, with the total number of words they consumed (§8;
    the u64 numbers are decimal strings)."""

    def test_stream_vectors(self):
        cases = load_json(os.path.join(VECTORS, "stream.json"))["cases"]
        self.assertTrue(cases)
        for case in cases:
            key = bytes.fromhex(case["key"])
            with self.subTest(key=case["key"], what="first_words"):
                stream = vb.Stream(key)
                words = [str(stream.next_word()) for _ in case["first_words"]]
                self.assertEqual(words, case["first_words"])
            for entry in case["below"]:
                with self.subTest(key=case["key"], n=entry["n"]):
                    stream = vb.Stream(key)
                    n = int(entry["n"])
                    values = [str(vb.below(stream, n)) for _ in entry["values"]]
                    self.assertEqual(values, entry["values"])
                    self.assertEqual(stream.words_used, entry["words_used"])

    def test_zero_key_stream_is_rfc_keystream(self):
        """Cross-check: stream.json's zero key starts with RFC 8439 A.1 #1 read as u64 LE."""
        case = next(c for c in load_json(os.path.join(VECTORS, "stream.json"))["cases"] if set(c["key"]) == {"0"})
        self.assertEqual(case["first_words"][0], str(0x903DF1A0ADE0B876))  # bytes 76 b8 e0 ad a0 f1 3d 90

    def test_choose_is_partial_fisher_yates(self):
        """§4.5 on a known stream: j = i + below(m − i), swap, first k in draw order."""
        stream, mirror = vb.Stream(bytes(32)), vb.Stream(bytes(32))
        items = list("abcdefg")
        expected = list(items)
        for i in range(3):
            j = i + vb.below(mirror, len(items) - i)
            expected[i], expected[j] = expected[j], expected[i]
        self.assertEqual(vb.choose(stream, items, 3), expected[:3])
        self.assertEqual(items, list("abcdefg"))  # the input is not modified
        self.assertEqual(vb.choose(vb.Stream(bytes(32)), items, 0), [])


# ─────────────────────────────────────────────────────────────────────────────────────────────
# The mini bundle
# ─────────────────────────────────────────────────────────────────────────────────────────────


class MiniBundleTest(unittest.TestCase):
    def test_cli_pass(self):
        status, out = run_cli(MINI_BUNDLE)
        self.assertEqual(status, 0, out)
        self.assertTrue(out.splitlines()[-1].startswith("PASS "), out)

    def test_a_version_1_bundle_still_verifies_under_version_1(self):
        """A bundle made under spec version 1 keeps verifying; a version 1 format with the
        version 2 spec_version (or the reverse) is refused."""
        status, out = run_cli(MINI_BUNDLE_V1)
        self.assertEqual(status, 0, out)
        self.assertEqual(load_json(MINI_BUNDLE_V1)["commitment"]["header"]["spec_version"], "1")
        self.assertEqual(load_mini()["commitment"]["header"]["spec_version"], "5")
        for name, (fmt, version) in (
            ("v1-format-v2-spec", ("shuangsui-commitment/1", "2")),
            ("v2-format-v1-spec", ("shuangsui-commitment/2", "1")),
        ):
            bundle = load_json(MINI_BUNDLE_V1)
            bundle["commitment"]["header"]["format"] = fmt
            bundle["commitment"]["header"]["spec_version"] = version
            with self.assertRaises(vb.Discrepancy, msg=name) as caught:
                vb.check_formats(bundle)
            self.assertEqual(caught.exception.path, "/commitment/header/spec_version")

    def test_a_version_2_bundle_still_verifies_and_the_window_end_belongs_to_version_3(self):
        """A version 2 bundle (no inspection_end) keeps verifying; version 3 requires the
        field and versions 1 and 2 refuse it."""
        status, out = run_cli(MINI_BUNDLE_V2)
        self.assertEqual(status, 0, out)
        v2 = load_json(MINI_BUNDLE_V2)["commitment"]["header"]
        self.assertEqual(v2["spec_version"], "2")
        self.assertNotIn("inspection_end", v2["plan"])
        v3 = load_v3()["commitment"]["header"]["plan"]
        self.assertEqual(v3["inspection_end"], "2027-01-29")
        self.assertEqual(load_mini()["commitment"]["header"]["plan"]["inspection_end"], "2027-01-29")  # version 4 too
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.check_plan_shape(v2["plan"], "/p", "3")
        self.assertEqual(caught.exception.path, "/p/inspection_end")
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.check_plan_shape(v3, "/p", "2")
        self.assertEqual(caught.exception.path, "/p/inspection_end")
        for end, ok in (("2026-12-15", True), ("2026-12-14", False), ("2027-12-16", True), ("2027-12-17", False)):
            plan = dict(v3, inspection_end=end)
            if ok:
                vb.check_plan_shape(plan, "/p", "3")
            else:
                with self.assertRaises(vb.Discrepancy, msg=end) as caught:
                    vb.check_plan_shape(plan, "/p", "3")
                self.assertEqual(caught.exception.path, "/p/inspection_end")

    def test_cli_expect_commitment(self):
        good = load_mini()["commitment"]["hash"]
        status, out = run_cli(MINI_BUNDLE, "--expect-commitment", good.upper())
        self.assertEqual(status, 0, out)
        self.assertIn("matches --expect-commitment", out)
        bad = ("0" if good[0] != "0" else "1") + good[1:]
        status, out = run_cli(MINI_BUNDLE, "--expect-commitment", bad)
        self.assertEqual(status, 1, out)
        self.assertTrue(out.startswith("FAIL /commitment/hash: "), out)

    def test_bundle_file_is_canonical_json(self):
        """§7: the bundle is written in RFC 8785 form, so re-serialising gives the same bytes."""
        with open(MINI_BUNDLE, "rb") as f:
            raw = f.read()
        self.assertEqual(vb.canonical_json(vb.parse_json(raw.decode("utf-8"))), raw)

    def test_cli_unreadable(self):
        with tempfile.TemporaryDirectory() as tmp:
            status, out = run_cli(os.path.join(tmp, "missing.json"))
            self.assertEqual((status, out.split(" ")[0]), (2, "UNREADABLE"), out)
            for name, content in (("not-json.json", b"{\"format\": "), ("not-utf8.json", b"\xff\xfe{}")):
                path = os.path.join(tmp, name)
                with open(path, "wb") as f:
                    f.write(content)
                status, out = run_cli(path)
                self.assertEqual((status, out.split(" ")[0]), (2, "UNREADABLE"), out)

    def test_cli_float_and_duplicate_key_fail(self):
        with open(MINI_BUNDLE, encoding="utf-8") as f:
            text = f.read()
        # The plan's team object as the canonical file writes it; "size" is its last key (sorted),
        # so "…,"size":2}" becomes "…,"size":2.0}" whatever the other fields of the team are.
        team = vb.canonical_json(load_mini()["commitment"]["header"]["plan"]["team"]).decode("utf-8")
        self.assertTrue(re.fullmatch(r'\{.*"size":[0-9]+\}', team), team)
        cases = {
            team: (team[:-1] + ".0}", "/commitment/header/plan/team/size"),
            '"format":"shuangsui-bundle/1"': ('"format":"shuangsui-bundle/1","format":"shuangsui-bundle/1"', "/format"),
        }
        with tempfile.TemporaryDirectory() as tmp:
            for old, (new, path) in cases.items():
                self.assertEqual(text.count(old), 1)
                bundle = os.path.join(tmp, "b.json")
                with open(bundle, "w", encoding="utf-8") as f:
                    f.write(text.replace(old, new))
                status, out = run_cli(bundle)
                self.assertEqual(status, 1, out)
                self.assertTrue(out.startswith(f"FAIL {path}: "), out)

    def test_non_canonical_bytes_fail_naming_the_first_difference(self):
        """§7.1: the bytes must be the canonical serialisation of what was parsed from them."""
        with tempfile.TemporaryDirectory() as tmp:
            bundle = os.path.join(tmp, "pretty.json")
            with open(bundle, "w", encoding="utf-8") as f:
                json.dump(load_mini(), f, ensure_ascii=False, indent=2)
            status, out = run_cli(bundle)
            self.assertEqual(status, 1, out)
            self.assertTrue(out.startswith("FAIL /: the bytes are not the canonical (RFC 8785) serialisation"), out)
            self.assertIn("differ from it at byte 1", out)


class Ed25519Test(unittest.TestCase):
    def test_rfc8032_7_1_test_1_and_a_changed_message(self):
        public = hexbytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        signature = hexbytes(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        )
        self.assertTrue(vb.ed25519_verify(public, b"", signature))
        self.assertFalse(vb.ed25519_verify(public, b"x", signature))
        self.assertFalse(vb.ed25519_verify(public, b"", signature[:63] + bytes([signature[63] ^ 1])))

    def test_inclusion_proof_of_a_two_leaf_tree(self):
        a, b = b"a", b"b"
        la, lb = vb.sha256(b"\x00" + a), vb.sha256(b"\x00" + b)
        root = vb.sha256(b"\x01" + la + lb)
        self.assertTrue(vb.verify_inclusion(a, 0, 2, [lb], root))
        self.assertTrue(vb.verify_inclusion(b, 1, 2, [la], root))
        self.assertFalse(vb.verify_inclusion(b, 0, 2, [la], root))
        self.assertFalse(vb.verify_inclusion(a, 0, 2, [], root))


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Tampering
# ─────────────────────────────────────────────────────────────────────────────────────────────

ENUMS = (vb.GRADES, vb.ENTITY_STATUSES, vb.OFFICER_STATUSES)


def leaves(value, path=()):
    """Every (path, value) with a string, number, boolean or null value."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from leaves(value[key], path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, path + (i,))
    else:
        yield path, value


def next_char(ch):
    """The next character of the same class: 0-9, A-Z and a-z cycle; others go to the next code point."""
    for first, last in (("0", "9"), ("A", "Z"), ("a", "z")):
        if first <= ch <= last:
            return first if ch == last else chr(ord(ch) + 1)
    return chr(ord(ch) + 1)


def mutate(value):
    """A different value of the same kind: number + 1, flipped boolean, null → "x", and for
    strings a different string that still looks like the original (date + 1 day, hex with the
    last digit changed, next value of an enumeration, last character changed)."""
    if value is None:
        return "x"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value == "":
        return "x"
    if vb.DATE.fullmatch(value):
        return (datetime.date.fromisoformat(value) + datetime.timedelta(days=1)).isoformat()
    if re.fullmatch(r"[0-9a-f]+", value):
        return value[:-1] + "0123456789abcdef"[int(value[-1], 16) ^ 1]
    for enum in ENUMS:
        if value in enum:
            return enum[(enum.index(value) + 1) % len(enum)]
    return value[:-1] + next_char(value[-1])


DELETE = object()


def containers_and_leaves(value, path=()):
    """Every (path, value) below the root, objects and arrays included."""
    if path:
        yield path, value
    if isinstance(value, dict):
        for key in sorted(value):
            yield from containers_and_leaves(value[key], path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from containers_and_leaves(item, path + (i,))


def set_at(obj, path, value):
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


def pointer(path):
    return "/" + "/".join(str(p) for p in path)


class TamperTest(unittest.TestCase):
    def expect_fail(self, bundle, what):
        try:
            vb.verify(bundle)
        except vb.Discrepancy as d:
            return d
        self.fail(f"tampered bundle still verifies: {what}")

    def test_every_leaf_changed_fails(self):
        original = load_mini()
        vb.verify(original)  # the baseline passes
        all_leaves = list(leaves(original))
        undetected, caught_at = [], {}
        for path, value in all_leaves:
            tampered = copy.deepcopy(original)
            new = mutate(value)
            self.assertNotEqual(json.dumps(new), json.dumps(value))
            set_at(tampered, path, new)
            try:
                vb.verify(tampered)
                undetected.append(f"{pointer(path)}: {value!r} -> {new!r}")
            except vb.Discrepancy as d:
                section = re.sub(r"/\d+", "/N", d.path)
                caught_at[section] = caught_at.get(section, 0) + 1
        sys.stderr.write(
            f"\n  tamper: {len(all_leaves)} leaves changed one at a time, {len(undetected)} undetected; "
            f"first discrepancy reported at {len(caught_at)} distinct paths\n"
        )
        self.assertGreater(len(all_leaves), 400)
        self.assertEqual(undetected, [], "leaves whose change is not detected (a spec gap)")

    def test_every_field_removed_or_retyped_fails_cleanly(self):
        """Removing any object field, or giving any value another JSON type, gives a FAIL
        (a Discrepancy), never a crash of the verifier and never a PASS."""
        original = load_mini()
        cases = 0
        for path, value in containers_and_leaves(original):
            replacements = [r for r in (None, True, "", [], {}) if json.dumps(r) != json.dumps(value)]
            for replacement in replacements + ([DELETE] if isinstance(path[-1], str) else []):
                tampered = copy.deepcopy(original)
                if replacement is DELETE:
                    parent = tampered
                    for key in path[:-1]:
                        parent = parent[key]
                    del parent[path[-1]]
                else:
                    set_at(tampered, path, replacement)
                cases += 1
                try:
                    vb.verify(tampered)
                except vb.Discrepancy:
                    continue
                self.fail(f"{pointer(path)} -> {'(removed)' if replacement is DELETE else json.dumps(replacement)} still verifies")
        sys.stderr.write(f"\n  retype/remove: {cases} cases, all FAIL\n")

    def test_swapped_order_fails(self):
        # a team of at least two members (which targets are staffed depends on the draw)
        staffed = next(
            ("draw", "strata", i, "targets", j, "team")
            for i, stratum in enumerate(load_mini()["draw"]["strata"])
            for j, target in enumerate(stratum["targets"])
            if len(target["team"]) >= 2
        )
        swaps = {
            "two targets": ("draw", "strata", 0, "targets"),
            "two entities": ("commitment", "snapshots", "entities"),
            "two officers": ("commitment", "snapshots", "officers"),
            "two recusals": ("commitment", "snapshots", "recusals"),
            "two history records": ("commitment", "snapshots", "history"),
            "two strata of the draw": ("draw", "strata"),
            "two team members": staffed,
            "two witness contributions": ("entropy", "ceremony", "contributions"),
            "two matters of the header": ("commitment", "header", "matters"),
        }
        for what, path in swaps.items():
            with self.subTest(what):
                bundle = load_mini()
                array = bundle
                for key in path:
                    array = array[key]
                self.assertGreaterEqual(len(array), 2)
                array[0], array[1] = array[1], array[0]
                self.assertNotEqual(array[0], array[1])
                self.expect_fail(bundle, what)

    def test_removed_or_added_fields_fail(self):
        bundle = load_mini()
        del bundle["draw"]["strata"][1]["targets"][3]
        self.expect_fail(bundle, "a target removed")
        bundle = load_mini()
        bundle["draw"]["strata"][0]["targets"][0]["note"] = "x"
        self.expect_fail(bundle, "an unknown field in a target")
        bundle = load_mini()
        bundle["draw"]["strata"][0]["size"] = True  # JSON true is not the integer 1
        self.expect_fail(bundle, "a boolean in place of a number")

    def test_consistent_forgery_needs_expect_commitment(self):
        """§7.1: a bundle rebuilt from a changed plan is self-consistent; only the comparison with
        the hash published before the draw rejects it."""
        bundle = load_mini()
        published = bundle["commitment"]["hash"]
        header = bundle["commitment"]["header"]
        header["plan"]["title"] += "（改）"
        bundle["commitment"]["hash"] = vb.commitment_hash(header)
        encoding, _ = vb.check_entropy(bundle["entropy"], header["plan"]["entropy"])
        seed = vb.derive_seed(bundle["commitment"]["hash"], encoding, header["spec_version"])
        bundle["seed"] = seed.hex()
        bundle["draw"] = vb.recompute_draw(header["plan"], header, bundle["commitment"]["snapshots"], seed)
        vb.verify(bundle)  # passes on its own
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.verify(bundle, expect_commitment=published)
        self.assertEqual(caught.exception.path, "/commitment/hash")


class DirectoryRulesTest(unittest.TestCase):
    """§3.2: plan values checked against the snapshots."""

    def check(self, bundle):
        header = bundle["commitment"]["header"]
        vb.check_directory_rules(header["plan"], header, bundle["commitment"]["snapshots"])

    def test_filter_values_must_name_an_entity(self):
        self.check(load_mini())
        for field, value in (("districts", "浦东"), ("entity_types", "养老院"), ("sectors", "养老服务 ")):
            with self.subTest(field):
                bundle = load_mini()
                bundle["commitment"]["header"]["plan"]["population"][field] = [value]
                if field == "sectors":  # also covered by a matter, so only the entity rule fails
                    bundle["commitment"]["header"]["matters"][0]["sector"] = value
                with self.assertRaises(vb.Discrepancy) as caught:
                    self.check(bundle)
                self.assertEqual(caught.exception.path, f"/commitment/header/plan/population/{field}/0")
                self.assertIn("of no entity", caught.exception.message)


def reseal(bundle):
    """Make a changed bundle consistent again: snapshot digests, commitment hash, seed and draw
    are recomputed (without the verifier's checks), so that only the rule the change breaks is
    broken."""
    commitment = bundle["commitment"]
    header, snapshots = commitment["header"], commitment["snapshots"]
    for name in vb.SNAPSHOT_NAMES:
        header["snapshots"][name] = vb.snapshot_digest(snapshots[name])
    commitment["hash"] = vb.commitment_hash(header)
    plan = header["plan"]
    if plan["entropy"]["source"] == "ceremony":
        pairs = [(c["witness"], c["digits"]) for c in bundle["entropy"]["ceremony"]["contributions"]]
        encoding = vb.ceremony_encoding(pairs)
    else:
        drand = bundle["entropy"]["drand"]
        encoding = vb.drand_encoding(plan["entropy"]["chain_hash"], drand["round"], bytes.fromhex(drand["signature"]))
    seed = vb.derive_seed(commitment["hash"], encoding, header["spec_version"])
    bundle["seed"] = seed.hex()
    try:
        bundle["draw"] = vb.recompute_draw(plan, header, snapshots, seed)
    except (vb.Discrepancy, KeyError, TypeError, AttributeError):
        pass  # a plan the draw cannot even be computed from (a malformed ratio or floor): the old draw stays
    return bundle


def drand_mini(chain_hash="52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971", previous=None):
    """The mini bundle drawn from a drand round instead of its ceremony (quicknet by default)."""
    bundle = load_mini()
    bundle["commitment"]["header"]["plan"]["entropy"] = {"chain_hash": chain_hash, "round": 1000, "source": "drand"}
    bundle["entropy"] = {"drand": {"previous_signature": previous, "round": 1000, "signature": "ab" * 48}}
    return reseal(bundle)


PLAN = ("commitment", "header", "plan")
MATTER0 = ("commitment", "header", "matters", 0)
SNAP = ("commitment", "snapshots")


def at(bundle, path):
    for key in path:
        bundle = bundle[key]
    return bundle


def set_witness(bundle, i, name):
    """Rename declared witness i and its contribution alike."""
    at(bundle, PLAN)["entropy"]["witnesses"][i] = name
    bundle["entropy"]["ceremony"]["contributions"][i]["witness"] = name


def repeat_matter(bundle):
    """The plan names its first matter twice (and header.matters lists its record twice)."""
    at(bundle, PLAN)["matters"].append(at(bundle, PLAN)["matters"][0])
    bundle["commitment"]["header"]["matters"].append(copy.deepcopy(at(bundle, MATTER0)))


def rename_matter(bundle, code):
    at(bundle, PLAN)["matters"][0] = code
    at(bundle, MATTER0)["code"] = code


# (what, change, JSON pointer of the failure, words the message must contain)
SPEC_RULES = (
    # §Conventions: texts
    ("plan title of 501 characters", lambda b: at(b, PLAN).update(title="检" * 501), "/commitment/header/plan/title", "at most 500"),
    ("plan title with a control character", lambda b: at(b, PLAN).update(title="测试\x07批次"), "/commitment/header/plan/title", "control character U+0007"),
    ("plan title not trimmed", lambda b: at(b, PLAN).update(title="测试批次\u3000"), "/commitment/header/plan/title", "not trimmed"),
    ("empty stratum name", lambda b: at(b, PLAN)["strata"][0].update(name=""), "/commitment/header/plan/strata/0/name", "is empty"),
    ("witness name not NFC", lambda b: set_witness(b, 0, "Jose\u0301"), "/commitment/header/plan/entropy/witnesses/0", "NFC"),
    ("empty witness name", lambda b: set_witness(b, 1, ""), "/commitment/header/plan/entropy/witnesses/1", "is empty"),
    ("matter content of 501 characters", lambda b: at(b, MATTER0).update(content="查" * 501), "/commitment/header/matters/0/content", "at most 500"),
    ("matter legal basis with a control character", lambda b: at(b, MATTER0).update(legal_basis="《办\n法》"), "/commitment/header/matters/0/legal_basis", "control character U+000A"),
    ("matter inspecting body empty", lambda b: at(b, MATTER0).update(inspecting_body=""), "/commitment/header/matters/0/inspecting_body", "is empty"),
    ("matter name not trimmed", lambda b: at(b, MATTER0).update(name=" 养老机构服务安全"), "/commitment/header/matters/0/name", "not trimmed"),
    ("entity name of 501 characters", lambda b: at(b, SNAP)["entities"][0].update(name="名" * 501), "/commitment/snapshots/entities/0/name", "at most 500"),
    ("entity district with a control character", lambda b: at(b, SNAP)["entities"][0].update(district="徐\x85汇"), "/commitment/snapshots/entities/0/district", "control character U+0085"),
    ("officer department of 501 characters", lambda b: at(b, SNAP)["officers"][0].update(department="部" * 501), "/commitment/snapshots/officers/0/department", "at most 500"),
    # §Conventions: identifiers
    ("matter code of 65 characters", lambda b: rename_matter(b, "T" * 65), "/commitment/header/matters/0/code", "at most 64"),
    ("matter code with white space", lambda b: rename_matter(b, "T-YL\u300001"), "/commitment/header/matters/0/code", "white space"),
    ("card number with white space", lambda b: at(b, SNAP)["officers"][0].update(card_no="T-000\u00a0a"), "/commitment/snapshots/officers/0/card_no", "white space"),
    ("card number of 65 characters", lambda b: at(b, SNAP)["recusals"][0].update(card_no="T-001" + "0" * 60), "/commitment/snapshots/recusals/0/card_no", "at most 64"),
    ("history matter with white space", lambda b: at(b, SNAP)["history"][0].update(matter="T-SZ 01"), "/commitment/snapshots/history/0/matter", "white space"),
    # §Conventions: lists without repeats; §3.1
    ("plan matter named twice", repeat_matter, "/commitment/header/plan/matters/2", "named twice"),
    ("population district named twice", lambda b: at(b, PLAN)["population"].update(districts=["徐汇", "徐汇"]), "/commitment/header/plan/population/districts/1", "named twice"),
    ("population entity type named twice", lambda b: at(b, PLAN)["population"].update(entity_types=["社会团体", "社会团体"]), "/commitment/header/plan/population/entity_types/1", "named twice"),
    ("population sector named twice", lambda b: at(b, PLAN)["population"].update(sectors=["养老服务", "社会组织", "养老服务"]), "/commitment/header/plan/population/sectors/2", "named twice"),
    ("team pool named twice", lambda b: at(b, PLAN)["team"].update(pool=["市民政执法总队", "市民政执法总队"]), "/commitment/header/plan/team/pool/1", "named twice"),
    ("team department not a text", lambda b: at(b, PLAN)["team"].update(departments=[" 市民政执法总队"]), "/commitment/header/plan/team/departments/0", "not trimmed"),
    ("statuses empty", lambda b: at(b, PLAN)["population"].update(statuses=[]), "/commitment/header/plan/population/statuses", "is empty"),
    ("statuses named twice", lambda b: at(b, PLAN)["population"].update(statuses=["正常", "正常"]), "/commitment/header/plan/population/statuses/1", "named twice"),
    ("status that is no entity status", lambda b: at(b, PLAN)["population"].update(statuses=["营业"]), "/commitment/header/plan/population/statuses/0", "not an entity status"),
    ("grade outside A-D", lambda b: at(b, PLAN)["strata"][0].update(grades=["C", "E"]), "/commitment/header/plan/strata/0/grades/1", "not a credit grade"),
    ("grade twice in one stratum", lambda b: at(b, PLAN)["strata"][0].update(grades=["C", "D", "C"]), "/commitment/header/plan/strata/0/grades/2", "listed twice"),
    ("witness name with a full-width comma", lambda b: set_witness(b, 0, "王，芳"), "/commitment/header/plan/entropy/witnesses/0", "contains '，'"),
    ("ratio with a leading zero", lambda b: at(b, PLAN)["strata"][1].update(ratio="01/5"), "/commitment/header/plan/strata/1/ratio", "without leading zeros"),
    ("officer sectors named twice", lambda b: at(b, SNAP)["officers"][1].update(sectors=["养老服务", "养老服务"]), "/commitment/snapshots/officers/1/sectors/1", "named twice"),
    ("officer without sectors", lambda b: at(b, SNAP)["officers"][1].update(sectors=[]), "/commitment/snapshots/officers/1/sectors", "is empty"),
    ("history officers named twice", lambda b: at(b, SNAP)["history"][0].update(officers=["T-002", "T-002"]), "/commitment/snapshots/history/0/officers/1", "named twice"),
    # §2.4: methods
    ("method not allowed", lambda b: at(b, MATTER0).update(methods=["电话核查"]), "/commitment/header/matters/0/methods/0", "not a method"),
    ("method named twice", lambda b: at(b, MATTER0).update(methods=["实地核查", "实地核查"]), "/commitment/header/matters/0/methods/1", "named twice"),
    ("no method", lambda b: at(b, MATTER0).update(methods=[]), "/commitment/header/matters/0/methods", "is empty"),
    # §2.1: USCC
    ("entity USCC with a wrong check character", lambda b: at(b, SNAP)["entities"][0].update(uscc="51310104000010370X"), "/commitment/snapshots/entities/0/uscc", "check character should be 'Y'"),
    ("recusal USCC with a letter outside the alphabet", lambda b: at(b, SNAP)["recusals"][0].update(uscc="51310104000010370I"), "/commitment/snapshots/recusals/0/uscc", "not a USCC"),
    # §Conventions and §3.1: integers
    ("negative minimum", lambda b: at(b, PLAN)["strata"][0].update(minimum=-1), "/commitment/header/plan/strata/0/minimum", "negative"),
    ("count above 2^53 - 1", lambda b: at(b, PLAN)["strata"][0].update(count=2**53), "/commitment/header/plan/strata/0/count", "2^53 - 1"),
    # §2.4: sources
    ("source with another file name", lambda b: b["commitment"]["header"]["sources"][0].update(file="entities.jsonl"), "/commitment/header/sources/0/file", "entities.csv"),
    ("sources out of order", lambda b: b["commitment"]["header"]["sources"].reverse(), "/commitment/header/sources/0/file", "entities.csv"),
    ("a source missing", lambda b: b["commitment"]["header"]["sources"].pop(), "/commitment/header/sources/5", "lists.csv"),
    ("the history source missing", lambda b: b["commitment"]["header"]["sources"].pop(4), "/commitment/header/sources/4/file", "history.csv"),
    ("source hash in capitals", lambda b: b["commitment"]["header"]["sources"][1].update(sha256=b["commitment"]["header"]["sources"][1]["sha256"].upper()), "/commitment/header/sources/1/sha256", "lowercase"),
)


class SpecRulesTest(unittest.TestCase):
    """Every rule DRAW-SPEC states for a bundle: a bundle breaking only that rule (its digests,
    hash, seed and draw recomputed) FAILs at the place of the rule, with a message naming it."""

    def expect_rule(self, bundle, path, words):
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.verify(bundle)
        self.assertEqual(caught.exception.path, path, caught.exception.message)
        self.assertIn(words, caught.exception.message)
        return caught.exception

    def test_reseal_alone_keeps_the_bundle_valid(self):
        self.assertEqual(reseal(load_mini()), load_mini())
        vb.verify(drand_mini())

    def test_each_rule_broken_alone_fails_naming_it(self):
        for what, change, path, words in SPEC_RULES:
            with self.subTest(what):
                bundle = load_mini()
                change(bundle)
                self.assertNotEqual(bundle, load_mini())
                self.expect_rule(reseal(bundle), path, words)

    def test_drand_rules(self):
        chains = vb.PINNED_CHAINS
        self.assertEqual(len(chains), 2)
        self.expect_rule(drand_mini(chain_hash="ab" * 32), "/commitment/header/plan/entropy/chain_hash", "pinned drand chains")
        self.expect_rule(
            drand_mini(chain_hash="52DB9BA70E0CC0F6EAF7803DD07447A1F5477735FD3F661792BA94600C84E971"),
            "/commitment/header/plan/entropy/chain_hash",
            "lowercase hex",
        )
        self.expect_rule(drand_mini(previous="cd" * 48), "/entropy/drand/previous_signature", "unchained")
        mainnet = next(h for h, (_, chained) in chains.items() if chained)
        self.expect_rule(drand_mini(chain_hash=mainnet), "/entropy/drand/previous_signature", "required")
        vb.verify(drand_mini(chain_hash=mainnet, previous="cd" * 96))  # the BLS check is not made here
        bundle = load_mini()
        at(bundle, PLAN)["entropy"] = {"chain_hash": next(iter(chains)), "round": 0, "source": "drand"}
        bundle["entropy"] = {"drand": {"previous_signature": "cd" * 96, "round": 0, "signature": "ab" * 96}}
        self.expect_rule(reseal(bundle), "/commitment/header/plan/entropy/round", "at least 1")

    def test_version_1_bundle_meets_the_same_rules(self):
        vb.verify(load_json(MINI_BUNDLE_V1))
        bundle = load_json(MINI_BUNDLE_V1)
        at(bundle, MATTER0)["methods"] = ["实地核查", "实地核查"]
        self.expect_rule(reseal(bundle), "/commitment/header/matters/0/methods/1", "named twice")


class DrandPathTest(unittest.TestCase):
    """There is no drand vector in tests/vectors (see the report); this only exercises the
    drand branch of the verifier on a bundle re-sealed by this verifier's own functions."""

    def test_drand_bundle_passes_with_note(self):
        bundle = load_mini()
        header = bundle["commitment"]["header"]
        chain_hash = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
        header["plan"]["entropy"] = {"chain_hash": chain_hash, "round": 1000, "source": "drand"}
        bundle["commitment"]["hash"] = vb.commitment_hash(header)
        signature = "ab" * 48
        bundle["entropy"] = {"drand": {"previous_signature": None, "round": 1000, "signature": signature}}
        encoding = vb.drand_encoding(chain_hash, 1000, bytes.fromhex(signature))
        self.assertEqual(encoding[:9], b"\x00\x00\x00\x05drand")
        self.assertEqual(len(encoding), 9 + 36 + 8 + 4 + 48)
        seed = vb.derive_seed(bundle["commitment"]["hash"], encoding, header["spec_version"])
        bundle["seed"] = seed.hex()
        bundle["draw"] = vb.recompute_draw(header["plan"], header, bundle["commitment"]["snapshots"], seed)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "drand.json")
            with open(path, "wb") as f:
                f.write(vb.canonical_json(bundle))
            status, out = run_cli(path)
            self.assertEqual(status, 0, out)
            self.assertIn("BLS signature itself is NOT checked", out)
            bundle["entropy"]["drand"]["round"] = 1001
            with open(path, "wb") as f:
                f.write(vb.canonical_json(bundle))
            status, out = run_cli(path)
            self.assertEqual(status, 1, out)
            self.assertTrue(out.startswith("FAIL /entropy/drand/round: "), out)


class MiniFacts:
    """What the rules of §5 and §6 say about a bundle's own draw, worked out here (with datetime,
    not with the verifier's helpers) so that the re-check cases below can be derived from
    whatever the bundle happens to draw instead of being pinned to particular targets."""

    def __init__(self, bundle):
        header = bundle["commitment"]["header"]
        snapshots = bundle["commitment"]["snapshots"]
        self.bundle = bundle
        self.plan = header["plan"]
        self.date = datetime.date.fromisoformat(self.plan["inspection_date"])
        self.constraints = self.plan["constraints"]
        self.entities = {e["uscc"]: e for e in snapshots["entities"]}
        self.officers = {o["card_no"]: o for o in snapshots["officers"]}
        self.recusals = {(r["card_no"], r["uscc"]) for r in snapshots["recusals"]}
        self.history = snapshots["history"]
        self.sectors = set(self.plan["population"]["sectors"]) or {m["sector"] for m in header["matters"]}

    def cutoff(self, days):
        return self.date - datetime.timedelta(days=days)

    def targets(self):
        """(path, target, entity) of every target, in global draw order (§6.2)."""
        for i, stratum in enumerate(self.bundle["draw"]["strata"]):
            for j, target in enumerate(stratum["targets"]):
                yield ("draw", "strata", i, "targets", j), target, self.entities[target["uscc"]]

    def staffed(self):
        return [(path, target, entity) for path, target, entity in self.targets() if target["unstaffed"] is None]

    def drawn(self):
        return {target["uscc"] for _, target, _ in self.targets()}

    def in_population(self, entity, statuses=None):
        """§5.2 without the grade (statuses: the plan's, unless given)."""
        population = self.plan["population"]
        return (
            entity["sector"] in self.sectors
            and (not population["entity_types"] or entity["type"] in population["entity_types"])
            and (not population["districts"] or entity["district"] in population["districts"])
            and entity["status"] in (population["statuses"] if statuses is None else statuses)
        )

    def recently_inspected(self, uscc):
        """§5.3."""
        days = self.constraints["exclude_inspected_within_days"]
        return days is not None and any(
            h["uscc"] == uscc and h["matter"] in self.plan["matters"] and datetime.date.fromisoformat(h["date"]) > self.cutoff(days)
            for h in self.history
        )

    def faults(self, entity, card):
        """The rules of §6.1/§6.2 (besides distinct members, slot department and the workload
        cap) that officer `card` breaks as a member of the team of `entity`."""
        officer = self.officers.get(card)
        if officer is None:
            return {"unknown"}
        faults = set()
        if officer["status"] != vb.ON_DUTY:
            faults.add("status")
        if entity["sector"] not in officer["sectors"]:
            faults.add("sector")
        if datetime.date.fromisoformat(officer["valid_until"]) < self.date:
            faults.add("expired")
        pool = self.plan["team"]["pool"]
        if pool and officer["department"] not in pool:
            faults.add("pool")
        if (card, entity["uscc"]) in self.recusals:
            faults.add("recusal")
        if self.constraints["cross_district"] and officer["district"] == entity["district"]:
            faults.add("district")
        window = self.constraints["no_repeat_pairing_within_days"]
        if window is not None and any(
            h["uscc"] == entity["uscc"] and datetime.date.fromisoformat(h["date"]) > self.cutoff(window) and card in h["officers"]
            for h in self.history
        ):
            faults.add("window")
        return faults

    def slot_department_ok(self, card, k):
        departments = self.plan["team"]["departments"]
        return k >= len(departments) or self.officers[card]["department"] == departments[k]


class RecheckTest(unittest.TestCase):
    """§7.1 step 6 on its own: results that break a rule are rejected even without the
    recomputation (the recomputation would reject them too).

    Every case is derived from the bundle's own draw (which targets were drawn and who is on
    their teams changes whenever the commitment does), and is built so that the rule under test
    is the only one broken at the first place the re-check reaches: the test asserts both the
    words of the failure and its path."""

    def recheck(self, bundle):
        header = bundle["commitment"]["header"]
        vb.recheck_result(header["plan"], header, bundle["commitment"]["snapshots"], bundle["draw"])

    def first_staffed(self, bundle):
        staffed = MiniFacts(bundle).staffed()
        self.assertTrue(staffed, "the mini bundle has no staffed target")
        return staffed[0]

    def assert_breaks_only(self, bundle, target_path, k, rule):
        """Sanity check of a built case: member k of the target breaks `rule` and nothing else."""
        facts = MiniFacts(bundle)
        target = next(t for p, t, _ in facts.targets() if p == target_path)
        team = target["team"]
        self.assertNotIn(team[k], team[:k])
        self.assertTrue(facts.slot_department_ok(team[k], k))
        self.assertEqual(facts.faults(facts.entities[target["uscc"]], team[k]), {rule})

    # ── members ──────────────────────────────────────────────────────────────────────────────

    def put_member_breaking(self, bundle, rule):
        """Replace a member of a staffed target by an officer who breaks `rule`, and only it, for
        that target's entity. Returns the pointer of the changed member."""
        facts = MiniFacts(bundle)
        for path, target, entity in facts.staffed():
            team = target["team"]
            for k in range(len(team)):
                for card in sorted(facts.officers):
                    if card not in team[:k] and facts.slot_department_ok(card, k) and facts.faults(entity, card) == {rule}:
                        team[k] = card
                        self.assert_breaks_only(bundle, path, k, rule)
                        return pointer(path + ("team", k))
        self.fail(f"no staffed target of the mini bundle has an officer who breaks only the rule {rule!r}")

    def member_case(self, rule):
        return lambda bundle: self.put_member_breaking(bundle, rule)

    def same_member_twice(self, bundle):
        path, target, _ = self.first_staffed(bundle)
        target["team"][1] = target["team"][0]
        return pointer(path + ("team", 1))

    def unknown_member(self, bundle):
        path, target, _ = self.first_staffed(bundle)
        officers = MiniFacts(bundle).officers
        target["team"][1] = next(card for card in (f"T-{n}" for n in range(999, 10**6)) if card not in officers)
        return pointer(path + ("team", 1))

    def team_too_small(self, bundle):
        path, target, _ = self.first_staffed(bundle)
        del target["team"][-1]
        return pointer(path + ("team",))

    def member_outside_pool(self, bundle):
        """team.pool set to every department but that of the first member (in global order) who
        is not in a `departments` slot: all earlier members stay in the pool."""
        facts = MiniFacts(bundle)
        team_plan = facts.plan["team"]
        everyone = {o["department"] for o in facts.officers.values()}
        for path, target, _ in facts.staffed():
            for k, card in enumerate(target["team"]):
                department = facts.officers[card]["department"]
                if department in team_plan["departments"]:
                    continue
                pool = sorted(set(team_plan["pool"] or everyone) - {department})
                self.assertTrue(pool)
                team_plan["pool"] = pool
                self.assert_breaks_only(bundle, path, k, "pool")
                return pointer(path + ("team", k))
        self.fail("every member of the mini bundle is of a `departments` slot")

    def recused_member(self, bundle):
        """An officer with a recusal record for an entity, put on that entity's team. If the
        entity was not drawn, it replaces a staffed target of its stratum (it must then pass
        every target rule), and the officer takes slot 0 so that no other member is checked
        against the new entity before him."""
        facts = MiniFacts(bundle)
        drawn = facts.drawn()
        staffed = facts.staffed()
        for card, uscc in sorted(facts.recusals):
            entity = facts.entities.get(uscc)
            if entity is None or card not in facts.officers or facts.faults(entity, card) != {"recusal"}:
                continue
            if not facts.slot_department_ok(card, 0):
                continue
            if uscc in drawn:
                places = [(path, target) for path, target, e in staffed if e["uscc"] == uscc]
            elif facts.in_population(entity) and not facts.recently_inspected(uscc):
                places = [
                    (path, target)
                    for path, target, _ in staffed
                    if entity["grade"] in facts.plan["strata"][path[2]]["grades"]
                ]
            else:
                continue
            if places:
                path, target = places[0]
                target["uscc"] = uscc
                target["team"][0] = card
                self.assert_breaks_only(bundle, path, 0, "recusal")
                return pointer(path + ("team", 0))
        self.fail("no recusal of the mini bundle can be placed on a staffed target")

    def member_within_no_repeat_window(self, bundle):
        """A visit for a matter outside the batch, on the first day inside the no-repeat window,
        by the first member of the first staffed target: it does not exclude the entity (§5.3)
        but does forbid the pairing (§6.1)."""
        facts = MiniFacts(bundle)
        window = facts.constraints["no_repeat_pairing_within_days"]
        self.assertIsNotNone(window)
        path, target, entity = self.first_staffed(bundle)
        matter = "X-OTHER"
        self.assertNotIn(matter, facts.plan["matters"])
        visit = {
            "date": (facts.cutoff(window) + datetime.timedelta(days=1)).isoformat(),
            "matter": matter,
            "officers": [target["team"][0]],
            "uscc": entity["uscc"],
        }
        bundle["commitment"]["snapshots"]["history"].append(visit)
        self.assert_breaks_only(bundle, path, 0, "window")
        self.assertFalse(MiniFacts(bundle).recently_inspected(entity["uscc"]))
        return pointer(path + ("team", 0))

    def staffed_marked_unstaffed(self, bundle):
        path, target, _ = self.first_staffed(bundle)
        target["unstaffed"] = {"after_conflicts": 0, "department": None, "qualified": 0, "slot": 0}
        return pointer(path + ("team",))

    # ── targets ──────────────────────────────────────────────────────────────────────────────

    def put_target(self, bundle, wanted):
        """Replace the first target of some stratum by an entity that is not drawn and for which
        wanted(facts, entity, stratum index) holds. Returns the pointer of the changed uscc."""
        facts = MiniFacts(bundle)
        drawn = facts.drawn()
        for i, stratum in enumerate(bundle["draw"]["strata"]):
            if not stratum["targets"]:
                continue
            for uscc, entity in sorted(facts.entities.items()):
                if uscc not in drawn and wanted(facts, entity, i):
                    stratum["targets"][0]["uscc"] = uscc
                    return pointer(("draw", "strata", i, "targets", 0, "uscc"))
        self.fail("the mini bundle has no entity for this case")

    @staticmethod
    def of_other_stratum(facts, entity, i):
        grades = [set(s["grades"]) for s in facts.plan["strata"]]
        return (
            facts.in_population(entity)
            and not facts.recently_inspected(entity["uscc"])
            and entity["grade"] not in grades[i]
            and any(entity["grade"] in g for g in grades)
        )

    @staticmethod
    def recently_inspected_of_stratum(facts, entity, i):
        return (
            facts.in_population(entity)
            and entity["grade"] in facts.plan["strata"][i]["grades"]
            and facts.recently_inspected(entity["uscc"])
        )

    @staticmethod
    def closed_of_stratum(facts, entity, i):
        """Status 注销 (not a population status), but otherwise of stratum i's population."""
        return (
            entity["status"] == "注销"
            and "注销" not in facts.plan["population"]["statuses"]
            and facts.in_population(entity, statuses=["注销"])
            and entity["grade"] in facts.plan["strata"][i]["grades"]
            and not facts.recently_inspected(entity["uscc"])
        )

    # ── the cases ────────────────────────────────────────────────────────────────────────────

    def test_rule_breaking_results(self):
        size = load_mini()["commitment"]["header"]["plan"]["team"]["size"]
        cases = {  # what: (build the case on a bundle, returning the path of the failure; expected words)
            "member from the entity's district": (self.member_case("district"), "of the entity's district"),
            "member with an expired card": (self.member_case("expired"), "card expires"),
            "suspended member": (self.member_case("status"), "not qualified"),
            "member not qualified for the sector": (self.member_case("sector"), "not qualified"),
            "member outside team.pool": (self.member_outside_pool, "not of a department in team.pool"),
            "same member twice": (self.same_member_twice, "already on this team"),
            "unknown member": (self.unknown_member, "not an officer"),
            "team too small": (self.team_too_small, f"team.size is {size}"),
            "target of the other stratum": (
                lambda b: self.put_target(b, self.of_other_stratum),
                "not in this stratum's population",
            ),
            "recently inspected target": (
                lambda b: self.put_target(b, self.recently_inspected_of_stratum),
                "exclusion window",
            ),
            "closed (注销) entity": (
                lambda b: self.put_target(b, self.closed_of_stratum),
                "not in this stratum's population",
            ),
            "recused member": (self.recused_member, "recusal"),
            "member within the no-repeat window": (self.member_within_no_repeat_window, "no-repeat window"),
            "staffed target marked unstaffed": (self.staffed_marked_unstaffed, "target is unstaffed"),
        }
        self.recheck(load_mini())
        for what, (build, words) in cases.items():
            with self.subTest(what):
                bundle = load_mini()
                path = build(bundle)
                self.assertNotEqual(bundle, load_mini())
                with self.assertRaises(vb.Discrepancy) as caught:
                    self.recheck(bundle)
                self.assertIn(words, caught.exception.message)
                self.assertEqual(caught.exception.path, path, caught.exception.message)

    def test_workload_cap(self):
        """One officer put on cap + 1 teams, each of which he may otherwise join: the first team
        beyond the cap (in global draw order) is rejected."""
        bundle = load_mini()
        facts = MiniFacts(bundle)
        cap = facts.constraints["max_targets_per_officer"]
        self.assertIsNotNone(cap)
        for card in sorted(facts.officers):
            places = []  # (path of the member, team, slot to overwrite or None if already there)
            for path, target, entity in facts.staffed():
                team = target["team"]
                if card in team:
                    places.append((pointer(path + ("team", team.index(card))), team, None))
                elif not facts.faults(entity, card):
                    slots = [k for k in range(len(team)) if facts.slot_department_ok(card, k)]
                    if slots:
                        places.append((pointer(path + ("team", slots[-1])), team, slots[-1]))
            if len(places) > cap:
                break
        else:
            self.fail(f"no officer of the mini bundle can be put on more than {cap} teams")
        for _, team, slot in places[: cap + 1]:
            if slot is not None:
                team[slot] = card
        with self.assertRaises(vb.Discrepancy) as caught:
            self.recheck(bundle)
        self.assertIn(f"more than {cap} teams", caught.exception.message)
        self.assertEqual(caught.exception.path, places[cap][0], caught.exception.message)


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Version 4: stratum selectors, parts, per-stratum exclusions, calendar year, floor
# ─────────────────────────────────────────────────────────────────────────────────────────────

V4_STRATUM_DEFAULTS = {"districts": [], "entity_types": [], "levels": [], "split_by": [], "exclusions": "apply"}
EXCLUDED_BY_WINDOW = {"52310106000011850A", "533101060000107409"}  # mini history, 365 days before 2026-12-15


def load_v3():
    """The mini draw under version 3 (mini-bundle-v3.json)."""
    bundle = load_json(MINI_BUNDLE_V3)
    assert bundle["commitment"]["header"]["spec_version"] == "3"
    return bundle


def as_version_4(bundle):
    """The bundle's commitment under version 4: format and spec_version, and every version 4
    field at the value that keeps the version 3 meaning (§3, Conventions). Not resealed."""
    header = bundle["commitment"]["header"]
    header["format"], header["spec_version"] = "shuangsui-commitment/4", "4"
    plan = header["plan"]
    plan.setdefault("floor", None)
    plan["constraints"].setdefault("exclude_inspected_in_year", False)
    for s in plan["strata"]:
        for key, value in V4_STRATUM_DEFAULTS.items():
            s.setdefault(key, copy.deepcopy(value))
    return bundle


def v4_stratum(name, grades=(), ratio=None, count=None, minimum=None, **fields):
    s = {"name": name, "grades": list(grades), "ratio": ratio, "count": count, "minimum": minimum}
    s.update(copy.deepcopy(V4_STRATUM_DEFAULTS))
    s.update({k: list(v) if isinstance(v, (list, tuple)) else v for k, v in fields.items()})
    return s


def uscc_with_check(first17):
    """A USCC: 17 characters and their GB 32100 check character (computed here, §2.1)."""
    total = sum(vb.USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, vb.USCC_WEIGHTS))
    return first17 + vb.USCC_ALPHABET[(31 - total % 31) % 31]


def add_entities(bundle, authorities, grade="C", district="徐汇", sector="社会组织", type_="社会团体"):
    """One entity per authority code (registered by that authority: characters 3 to 8 of its
    USCC), kept in canonical order. Returns their USCCs."""
    entities = bundle["commitment"]["snapshots"]["entities"]
    added = []
    for n, authority in enumerate(authorities):
        uscc = uscc_with_check(f"51{authority}99990{n:04d}")
        entities.append({"district": district, "grade": grade, "name": f"测试{n}", "sector": sector, "status": "正常", "type": type_, "uscc": uscc})
        added.append(uscc)
    entities.sort(key=lambda e: e["uscc"])
    return added


def v4_mini(strata=None, floor=None, **constraints):
    """The mini commitment under version 4 with the given strata, floor and constraints, resealed."""
    bundle = as_version_4(load_v3())
    plan = at(bundle, PLAN)
    if strata is not None:
        plan["strata"] = strata
    plan["floor"] = floor
    plan["constraints"].update(constraints)
    return reseal(bundle)


def population_of(bundle):
    """§5.2 population of a mini-like plan, worked out here: sector in the plan's sectors (they
    are set in the mini plan), status in statuses (the other filters are empty)."""
    plan = at(bundle, PLAN)
    assert not plan["population"]["districts"] and not plan["population"]["entity_types"]
    return [
        e for e in at(bundle, SNAP)["entities"]
        if e["sector"] in plan["population"]["sectors"] and e["status"] in plan["population"]["statuses"]
    ]


def ceil_div(a, b):
    return -(-a // b)


class Version4Test(unittest.TestCase):
    def verify(self, bundle):
        return vb.verify(bundle)

    def expect_fail(self, bundle, path, words):
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.verify(bundle)
        self.assertEqual(caught.exception.path, path, caught.exception.message)
        self.assertIn(words, caught.exception.message)
        return caught.exception

    def parts(self, bundle):
        return {s["name"]: s for s in bundle["draw"]["strata"]}

    # ── versions ─────────────────────────────────────────────────────────────────────────────

    def test_mini_under_version_4_with_defaults_draws_as_version_3(self):
        """Every version 4 field at its default: the same parts, sizes and pools as the version 3
        draw (the seed differs, since the version enters it, §4.2)."""
        v3 = load_v3()
        v4 = v4_mini()
        self.verify(v4)
        self.assertEqual(at(v4, ("commitment", "header", "format")), "shuangsui-commitment/4")
        self.assertNotEqual(v4["seed"], v3["seed"])
        strip = lambda b: [{k: v for k, v in s.items() if k != "targets"} for s in b["draw"]["strata"]]
        self.assertEqual(strip(v4), strip(v3))
        # and the version 4 mini vector (made by the Rust side) is exactly that: the version 3
        # plan with every version 4 field at its default, drawn by this verifier's §5 and §6
        self.assertEqual(v4, load_json(MINI_BUNDLE_V4))

    def test_version_3_plan_with_a_version_4_field_is_refused(self):
        """§3: a plan of an earlier version has none of the version 4 fields (and a version 4
        plan has all of them)."""
        changes = {
            "strata/0/split_by": lambda p: p["strata"][0].update(split_by=[]),
            "strata/0/exclusions": lambda p: p["strata"][0].update(exclusions="apply"),
            "strata/0/levels": lambda p: p["strata"][0].update(levels=[]),
            "floor": lambda p: p.update(floor=None),
            "constraints/exclude_inspected_in_year": lambda p: p["constraints"].update(exclude_inspected_in_year=False),
        }
        for where, change in changes.items():
            with self.subTest(where):
                bundle = load_v3()
                change(at(bundle, PLAN))
                self.expect_fail(reseal(bundle), f"/commitment/header/plan/{where}", "not a field of this object")
        # the same fields missing from a version 4 plan
        for where, remove in (
            ("floor", lambda p: p.pop("floor")),
            ("strata/1/districts", lambda p: p["strata"][1].pop("districts")),
            ("constraints/exclude_inspected_in_year", lambda p: p["constraints"].pop("exclude_inspected_in_year")),
        ):
            with self.subTest(f"v4 without {where}"):
                bundle = v4_mini()
                remove(at(bundle, PLAN))
                self.expect_fail(reseal(bundle), f"/commitment/header/plan/{where}", "is missing")
        # format "shuangsui-commitment/4" goes with spec_version "4" only
        bundle = v4_mini()
        at(bundle, ("commitment", "header"))["spec_version"] = "3"
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.check_formats(bundle)
        self.assertEqual(caught.exception.path, "/commitment/header/spec_version")

    def test_version_3_keeps_its_grade_rules(self):
        """Versions 1 to 3: every stratum has a grade and no grade is in two strata; version 4
        allows both."""
        bundle = load_v3()
        at(bundle, PLAN)["strata"][1]["grades"] = ["B", "C"]
        self.expect_fail(reseal(bundle), "/commitment/header/plan/strata/1/grades/1", "also in stratum 0")
        bundle = load_v3()
        at(bundle, PLAN)["strata"][1]["grades"] = []
        self.expect_fail(reseal(bundle), "/commitment/header/plan/strata/1/grades", "at least one grade")
        self.verify(v4_mini([v4_stratum("徐汇", ["C", "D"], count=2, districts=["徐汇"]), v4_stratum("高", ["C", "D"], ratio="1/2"), v4_stratum("其余", ratio="1/5")]))

    # ── §5.2: levels and first-match membership ──────────────────────────────────────────────

    def test_registration_level_rule(self):
        for authority, level in (("100000", "部级"), ("310000", "省级"), ("310100", "地市级"), ("310104", "县级"),
                                 ("440000", "省级"), ("440300", "地市级"), ("000000", "省级"), ("310001", "县级")):
            self.assertEqual(vb.registration_level(authority), level, authority)
        attributes = vb.entity_attributes(at(load_v3(), SNAP)["entities"][-1])
        self.assertEqual(attributes["authority"], "310106")  # 53310106000024060 8: characters 3 to 8
        self.assertEqual(attributes["level"], "县级")

    def test_strata_by_level_draw_the_entities_of_that_level(self):
        """Entities registered by a ministry (100000), a province (310000), a city (310100) and
        a district (310104): a stratum per level, 100 % each, draws exactly its level's entities."""
        bundle = as_version_4(load_v3())
        ministry, province, city = add_entities(bundle, ["100000", "310000", "310100"])
        county = add_entities(bundle, ["310104"], grade="A")[0]
        at(bundle, PLAN)["strata"] = [
            v4_stratum("部级", ratio="1/1", levels=["部级"]),
            v4_stratum("省市级", ratio="1/1", levels=["省级", "地市级"], split_by=["level"]),
            v4_stratum("区县", ["A"], count=1, levels=["县级"], districts=["徐汇"]),
        ]
        at(bundle, PLAN)["constraints"]["exclude_inspected_within_days"] = None
        bundle = reseal(bundle)
        self.verify(bundle)
        parts = self.parts(bundle)
        self.assertEqual(list(parts), ["部级", "省市级（地市级）", "省市级（省级）", "区县"])  # 地 U+5730 < 省 U+7701
        self.assertEqual([t["uscc"] for t in parts["部级"]["targets"]], [ministry])
        self.assertEqual([t["uscc"] for t in parts["省市级（省级）"]["targets"]], [province])
        self.assertEqual([t["uscc"] for t in parts["省市级（地市级）"]["targets"]], [city])
        xuhui_a = [e for e in population_of(bundle) if e["grade"] == "A" and e["district"] == "徐汇"]
        self.assertIn(county, [e["uscc"] for e in xuhui_a])
        self.assertEqual(parts["区县"]["population"], len(xuhui_a))
        # §3.2: a stratum level that no entity has is refused, as are districts and types
        for field, value in (("levels", "部级"), ("districts", "浦东"), ("entity_types", "养老院")):
            with self.subTest(field):
                bundle = v4_mini([v4_stratum("x", ratio="1/2", **{field: [value]})])
                self.expect_fail(bundle, f"/commitment/header/plan/strata/0/{field}/0", "of no entity of the snapshot")

    def test_first_matching_stratum_wins(self):
        """§5.2: an entity belongs to the first stratum, in plan order, that selects it."""
        bundle = v4_mini([
            v4_stratum("徐汇高", ["C", "D"], ratio="1/3", districts=["徐汇"]),
            v4_stratum("高", ["C", "D"], ratio="1/2"),
            v4_stratum("基金会", ratio="1/1", entity_types=["基金会"]),
        ])
        self.verify(bundle)
        population = population_of(bundle)
        first = [e for e in population if e["grade"] in "CD" and e["district"] == "徐汇"]
        second = [e for e in population if e["grade"] in "CD" and e["district"] != "徐汇"]
        third = [e for e in population if e["grade"] in "AB" and e["type"] == "基金会"]
        parts = bundle["draw"]["strata"]
        self.assertEqual([p["population"] for p in parts], [len(first), len(second), len(third)])
        self.assertEqual(len(parts[0]["targets"]), ceil_div(len(first), 3))
        self.assertTrue({t["uscc"] for t in parts[0]["targets"]} <= {e["uscc"] for e in first})
        self.assertEqual({t["uscc"] for t in parts[2]["targets"]}, {e["uscc"] for e in third} - EXCLUDED_BY_WINDOW)
        # a C/D entity of 徐汇 (not drawn) put among the second stratum's targets is refused by the re-check
        drawn = {t["uscc"] for p in parts for t in p["targets"]}
        self.assertTrue(parts[1]["targets"])
        parts[1]["targets"][0]["uscc"] = next(e["uscc"] for e in first if e["uscc"] not in drawn)
        header = bundle["commitment"]["header"]
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.recheck_result(header["plan"], header, at(bundle, SNAP), bundle["draw"])
        self.assertEqual(caught.exception.path, "/draw/strata/1/targets/0/uscc")
        self.assertIn("not in this stratum's population", caught.exception.message)

    # ── §5.3: parts ──────────────────────────────────────────────────────────────────────────

    def test_split_parts_order_names_and_streams(self):
        bundle = v4_mini([
            v4_stratum("高风险", ["C", "D"], ratio="1/2", minimum=1, split_by=["district", "entity_type"]),
            v4_stratum("其余", ratio="1/5"),
        ])
        self.verify(bundle)
        population = population_of(bundle)
        high = [e for e in population if e["grade"] in "CD"]
        keys = sorted({(e["district"], e["type"]) for e in high}, key=lambda k: (k[0].encode(), k[1].encode()))
        names = [f"高风险（{d}、{t}）" for d, t in keys] + ["其余"]
        self.assertEqual([s["name"] for s in bundle["draw"]["strata"]], names)
        self.assertEqual(keys[0][0], "徐汇")  # 徐 E5 BE 90 < 静 E9 9D 99 < 黄 E9 BB 84
        seed = bytes.fromhex(bundle["seed"])
        for j, key in enumerate(keys):
            with self.subTest(part=names[j]):
                part = bundle["draw"]["strata"][j]
                members = [e for e in high if (e["district"], e["type"]) == key]
                pool = [e["uscc"] for e in members if e["uscc"] not in EXCLUDED_BY_WINDOW]
                size = max(ceil_div(len(members), 2), 1)
                self.assertEqual((part["population"], part["eligible"], part["size"]), (len(members), len(pool), size))
                expected = vb.choose(vb.Stream(vb.stream_key(seed, f"stratum/0/{j}")), pool, min(size, len(pool)))
                self.assertEqual([t["uscc"] for t in part["targets"]], expected)
        rest = bundle["draw"]["strata"][-1]
        pool = [e["uscc"] for e in population if e["grade"] in "AB" and e["uscc"] not in EXCLUDED_BY_WINDOW]
        self.assertEqual([t["uscc"] for t in rest["targets"]], vb.choose(vb.Stream(vb.stream_key(seed, "stratum/1")), pool, rest["size"]))

    def test_split_part_target_of_another_part_is_refused(self):
        bundle = v4_mini([v4_stratum("全部", ratio="1/3", split_by=["district"])])
        self.verify(bundle)
        parts = bundle["draw"]["strata"]
        self.assertEqual([p["name"] for p in parts], ["全部（徐汇）", "全部（静安）", "全部（黄浦）"])
        drawn = {t["uscc"] for p in parts for t in p["targets"]}
        other = next(e for e in population_of(bundle) if e["district"] == "静安" and e["uscc"] not in drawn | EXCLUDED_BY_WINDOW)
        parts[0]["targets"][0]["uscc"] = other["uscc"]
        header = bundle["commitment"]["header"]
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.recheck_result(header["plan"], header, at(bundle, SNAP), bundle["draw"])
        self.assertEqual(caught.exception.path, "/draw/strata/0/targets/0/uscc")
        self.assertIn("not in this part", caught.exception.message)

    def test_split_by_authority_and_grade(self):
        bundle = as_version_4(load_v3())
        add_entities(bundle, ["310100", "100000"], grade="D")
        at(bundle, PLAN)["strata"] = [v4_stratum("高", ["D"], count=1, split_by=["authority", "grade"])]
        bundle = reseal(bundle)
        self.verify(bundle)
        self.assertEqual(
            [s["name"] for s in bundle["draw"]["strata"]],
            ["高（100000、D）", "高（310100、D）", "高（310101、D）", "高（310104、D）", "高（310106、D）"],
        )

    def test_empty_parts(self):
        """An unsplit stratum that selects nothing still has its part (size 0); a split one has
        no part at all (a value no entity has makes no part)."""
        # 黄浦 and 基金会 each name entities (§3.2), but no 基金会 is in 黄浦
        bundle = v4_mini([
            v4_stratum("空", ["A"], count=3, split_by=["district"], districts=["黄浦"], entity_types=["基金会"]),
            v4_stratum("空2", ["B"], count=3, districts=["黄浦"], entity_types=["基金会"]),
            v4_stratum("其余", ratio="1/5"),
        ])
        self.verify(bundle)
        self.assertEqual([(s["name"], s["population"], s["size"]) for s in bundle["draw"]["strata"]][:2], [("空2", 0, 0), ("其余", 36, 8)])

    # ── §5.4: exclusions per stratum, calendar year ──────────────────────────────────────────

    def test_exclusions_ignore_and_apply_on_a_100_percent_stratum(self):
        population = population_of(load_v3())
        for exclusions in ("ignore", "apply"):
            with self.subTest(exclusions):
                bundle = v4_mini([v4_stratum("全查", ["B", "C"], ratio="100/100", exclusions=exclusions), v4_stratum("其余", ratio="1/5")])
                self.verify(bundle)
                part = bundle["draw"]["strata"][0]
                members = {e["uscc"] for e in population if e["grade"] in "BC"}
                self.assertTrue(EXCLUDED_BY_WINDOW <= members)
                expected = members if exclusions == "ignore" else members - EXCLUDED_BY_WINDOW
                self.assertEqual({t["uscc"] for t in part["targets"]}, expected)
                self.assertEqual(part["excluded"], len(members) - len(expected))
                self.assertEqual((part["size"], part["shortfall"]), (len(members), len(members) - len(expected)))
        # the re-check: an excluded entity is a valid target of an "ignore" stratum only
        bundle = v4_mini([v4_stratum("全查", ["B", "C"], ratio="100/100", exclusions="ignore"), v4_stratum("其余", ratio="1/5")])
        at(bundle, PLAN)["strata"][0]["exclusions"] = "apply"  # the draw is left as drawn under "ignore"
        header = bundle["commitment"]["header"]
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.recheck_result(header["plan"], header, at(bundle, SNAP), bundle["draw"])
        self.assertIn("exclusion window", caught.exception.message)

    def test_calendar_year_exclusion(self):
        """§5.4: a record of a plan matter dated in the calendar year of inspection_date excludes
        (later in that year too); a record of the year before does not, however recent; a record
        of another matter never does."""
        bundle = as_version_4(load_v3())
        history = at(bundle, SNAP)["history"]
        late = "51310104000022580H"  # C, 徐汇
        other_matter = "51310104000018140A"  # C, 徐汇
        last_year = "52310101000021100W"  # C, 黄浦
        history += [
            {"date": "2026-12-31", "matter": "T-SZ-01", "officers": ["T-001"], "uscc": late},
            {"date": "2026-01-01", "matter": "X-OTHER", "officers": ["T-001"], "uscc": other_matter},
            {"date": "2025-12-31", "matter": "T-YL-01", "officers": ["T-001"], "uscc": last_year},
        ]
        history.sort(key=lambda h: (h["uscc"], h["date"], h["matter"], h["officers"]))
        plan = at(bundle, PLAN)
        plan["constraints"].update(exclude_inspected_within_days=None, exclude_inspected_in_year=True)
        self.assertEqual(plan["inspection_date"], "2026-12-15")
        self.assertEqual(vb.excluded_entities(plan, history), {"52310106000011850A", "533101060000107409", late})
        plan["strata"] = [v4_stratum("全查", ["C", "D"], ratio="1/1"), v4_stratum("其余", ratio="1/5")]
        bundle = reseal(bundle)
        self.verify(bundle)
        drawn = {t["uscc"] for t in bundle["draw"]["strata"][0]["targets"]}
        self.assertNotIn(late, drawn)
        self.assertNotIn("533101060000107409", drawn)
        self.assertIn(other_matter, drawn)
        self.assertIn(last_year, drawn)
        # with the rolling window as well (either rule excludes): 2025-12-31 is within 365 days
        plan = at(bundle, PLAN)
        plan["constraints"]["exclude_inspected_within_days"] = 365
        self.assertEqual(vb.excluded_entities(plan, history), {"52310106000011850A", "533101060000107409", late, last_year})
        # the re-check names the calendar-year rule
        plan["constraints"]["exclude_inspected_within_days"] = None
        bundle["draw"]["strata"][0]["targets"][0]["uscc"] = late
        header = bundle["commitment"]["header"]
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.recheck_result(header["plan"], header, at(bundle, SNAP), bundle["draw"])
        self.assertEqual(caught.exception.path, "/draw/strata/0/targets/0/uscc")
        self.assertIn("calendar year", caught.exception.message)

    # ── §5.7: the floor ──────────────────────────────────────────────────────────────────────

    def test_floor_draws_need_minus_drawn_from_the_undrawn_not_excluded(self):
        strata = [v4_stratum("高", ["C"], count=2, exclusions="ignore"), v4_stratum("低", ["A"], count=1)]
        bundle = v4_mini(strata, floor={"name": "兜底", "ratio": "1/2"})
        self.verify(bundle)
        population = population_of(bundle)
        parts = bundle["draw"]["strata"]
        self.assertEqual([p["name"] for p in parts], ["高", "低", "兜底"])
        floor = parts[-1]
        drawn = [t["uscc"] for p in parts[:-1] for t in p["targets"]]
        self.assertEqual(len(drawn), 3)
        need = ceil_div(len(population), 2)
        pool = [e["uscc"] for e in population if e["uscc"] not in drawn and e["uscc"] not in EXCLUDED_BY_WINDOW]
        self.assertEqual(
            (floor["population"], floor["size"], floor["eligible"], floor["excluded"], floor["shortfall"]),
            (len(population), need - 3, len(pool), len(population) - 3 - len(pool), 0),
        )
        seed = bytes.fromhex(bundle["seed"])
        self.assertEqual([t["uscc"] for t in floor["targets"]], vb.choose(vb.Stream(vb.stream_key(seed, "floor")), pool, need - 3))
        # entities of no stratum (B, D) are in the floor's population and pool
        floor_targets = {t["uscc"] for t in floor["targets"]}
        self.assertTrue(any(e["grade"] in "BD" for e in population if e["uscc"] in floor_targets))
        # re-check: a floor target that was drawn, excluded, or outside the population
        header = bundle["commitment"]["header"]
        closed = next(e["uscc"] for e in at(bundle, SNAP)["entities"] if e["status"] == "注销")
        excluded_b = "52310106000011850A"  # grade B: in no stratum, so never drawn before the floor
        for replacement, words in ((drawn[0], "already drawn"), (excluded_b, "exclusion window"), (closed, "not in the population")):
            with self.subTest(words):
                tampered = copy.deepcopy(bundle)
                tampered["draw"]["strata"][-1]["targets"][0]["uscc"] = replacement
                with self.assertRaises(vb.Discrepancy) as caught:
                    vb.recheck_result(header["plan"], header, at(tampered, SNAP), tampered["draw"])
                self.assertEqual(caught.exception.path, "/draw/strata/2/targets/0/uscc")
                self.assertIn(words, caught.exception.message)
        tampered = copy.deepcopy(bundle)
        tampered["draw"]["strata"][-1]["size"] += 1
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.recheck_result(header["plan"], header, at(tampered, SNAP), tampered["draw"])
        self.assertEqual(caught.exception.path, "/draw/strata/2/size")

    def test_floor_excludes_whatever_the_stratum_says(self):
        """An excluded entity an "ignore" stratum did not draw is not in the floor's pool."""
        bundle = v4_mini([v4_stratum("高", ["C"], count=1, exclusions="ignore")], floor={"name": "兜底", "ratio": "1/1"})
        self.verify(bundle)
        floor = bundle["draw"]["strata"][-1]
        drawn = {t["uscc"] for t in bundle["draw"]["strata"][0]["targets"]}
        population = population_of(bundle)
        undrawn_excluded = EXCLUDED_BY_WINDOW - drawn
        self.assertEqual(floor["excluded"], len(undrawn_excluded))
        self.assertEqual(floor["size"], len(population) - 1)
        self.assertEqual(floor["shortfall"], len(undrawn_excluded))
        self.assertEqual({t["uscc"] for t in floor["targets"]}, {e["uscc"] for e in population} - drawn - EXCLUDED_BY_WINDOW)

    def test_floor_already_met(self):
        bundle = v4_mini([v4_stratum("全部", ratio="1/2")], floor={"name": "兜底", "ratio": "1/10"})
        self.verify(bundle)
        floor = bundle["draw"]["strata"][-1]
        self.assertEqual((floor["size"], floor["shortfall"], floor["targets"]), (0, 0, []))

    # ── §3.1: rules of version 4 ─────────────────────────────────────────────────────────────

    def test_shadowed_stratum_is_refused(self):
        shadowed = (
            [v4_stratum("高", ["C", "D"], ratio="1/2"), v4_stratum("徐汇D", ["D"], ratio="1/1", districts=["徐汇"])],
            [v4_stratum("全部", ratio="1/2"), v4_stratum("任何", ["A"], ratio="1/1")],
            [v4_stratum("县级", levels=["县级"], ratio="1/2"), v4_stratum("县级徐汇", levels=["县级"], districts=["徐汇"], ratio="1/1")],
            [v4_stratum("x", ["A"], ratio="1/2"), v4_stratum("y", ["A", "B"], ratio="1/2", split_by=["district"]), v4_stratum("z", ["B"], ratio="1/2", districts=["徐汇", "黄浦"], exclusions="ignore")],
        )
        for strata in shadowed:
            with self.subTest([s["name"] for s in strata]):
                self.expect_fail(v4_mini(strata), f"/commitment/header/plan/strata/{len(strata) - 1}", "shadowed")
        allowed = (
            [v4_stratum("徐汇D", ["D"], ratio="1/1", districts=["徐汇"]), v4_stratum("高", ["C", "D"], ratio="1/2")],
            [v4_stratum("徐汇C", ["C"], ratio="1/1", districts=["徐汇"]), v4_stratum("徐汇黄浦", ratio="1/2", districts=["徐汇", "黄浦"])],
        )
        for strata in allowed:
            with self.subTest([s["name"] for s in strata]):
                self.verify(v4_mini(strata))

    def test_version_4_plan_rules(self):
        P = "/commitment/header/plan"
        ok = lambda grades=("C", "D"), **f: [v4_stratum("高", grades, ratio="1/2", **f), v4_stratum("低", ["A", "B"], ratio="1/5")]
        cases = (
            (ok(levels=["区级"]), None, f"{P}/strata/0/levels/0", "not a registration level"),
            (ok(levels=["县级", "县级"]), None, f"{P}/strata/0/levels/1", "named twice"),
            (ok(districts=["徐汇", "徐汇"]), None, f"{P}/strata/0/districts/1", "named twice"),
            (ok(districts=[" 徐汇"]), None, f"{P}/strata/0/districts/0", "not trimmed"),
            (ok(entity_types=[""]), None, f"{P}/strata/0/entity_types/0", "is empty"),
            (ok(split_by=["sector"]), None, f"{P}/strata/0/split_by/0", "not an attribute"),
            (ok(split_by=["level", "level"]), None, f"{P}/strata/0/split_by/1", "named twice"),
            (ok(exclusions="skip"), None, f"{P}/strata/0/exclusions", "\"apply\" or \"ignore\""),
            (ok(), {"name": "高", "ratio": "1/2"}, f"{P}/floor/name", "name of a stratum"),
            (ok(), {"name": "兜底 ", "ratio": "1/2"}, f"{P}/floor/name", "not trimmed"),
            (ok(), {"name": "兜底", "ratio": "0/2"}, f"{P}/floor/ratio", "ratio"),
            (ok(), {"name": "兜底", "ratio": "3/2"}, f"{P}/floor/ratio", "0 < n <= d"),
            (ok(), {"name": "兜底", "ratio": "50%"}, f"{P}/floor/ratio", "not a ratio"),
            (ok(), {"name": "兜底"}, f"{P}/floor/ratio", "is missing"),
            (ok(), "兜底", f"{P}/floor", "expected an object"),
            (ok(grades=["C", "C"]), None, f"{P}/strata/0/grades/1", "listed twice"),
        )
        for strata, floor, path, words in cases:
            with self.subTest(path=path, words=words):
                self.expect_fail(v4_mini(strata, floor=floor), path, words)
        bundle = v4_mini()
        at(bundle, PLAN)["constraints"]["exclude_inspected_in_year"] = None
        self.expect_fail(reseal(bundle), f"{P}/constraints/exclude_inspected_in_year", "true or false")

    def test_every_draw_leaf_of_a_version_4_bundle_changed_fails(self):
        """A version 4 bundle with split parts, an "ignore" stratum, the calendar year and a
        floor that draws: changing any one value of its draw, or of its version 4 plan fields,
        is detected."""
        bundle = v4_mini(
            [
                v4_stratum("徐汇县级", ["C", "D"], ratio="1/2", levels=["县级"], districts=["徐汇"], exclusions="ignore"),
                v4_stratum("分区", ["C", "D"], count=1, split_by=["district", "level"]),
                v4_stratum("其余", ratio="1/10"),
            ],
            floor={"name": "兜底", "ratio": "1/2"},
            exclude_inspected_in_year=True,
        )
        vb.verify(bundle)
        self.assertTrue(bundle["draw"]["strata"][-1]["targets"], "the floor draws")
        undetected = []
        for path, value in leaves(bundle):
            if path[0] != "draw" and not (path[:4] == PLAN + ("strata",) or path[:4] == PLAN + ("floor",)):
                continue
            tampered = copy.deepcopy(bundle)
            set_at(tampered, path, mutate(value))
            try:
                vb.verify(tampered)
                undetected.append(pointer(path))
            except vb.Discrepancy:
                pass
        self.assertEqual(undetected, [])


class Version4VectorsTest(unittest.TestCase):
    """The vectors of the Rust side (§8): mini-bundle.json (version 5), mini-bundle-v4.json,
    mini-bundle-v3.json, strata-bundle.json (version 4, every rule of §5) and joint-bundle.json
    (version 5, department matters)."""

    def test_vectors_pass(self):
        for path, version in (
            (MINI_BUNDLE, "5"),
            (MINI_BUNDLE_V4, "4"),
            (MINI_BUNDLE_V3, "3"),
            (STRATA_BUNDLE, "4"),
            (JOINT_BUNDLE, "5"),
        ):
            with self.subTest(os.path.basename(path)):
                self.assertEqual(load_json(path)["commitment"]["header"]["spec_version"], version)
                status, out = run_cli(path)
                self.assertEqual(status, 0, out)
                self.assertTrue(out.splitlines()[-1].startswith("PASS "), out)

    def test_strata_bundle_uses_every_rule_of_section_5(self):
        bundle = load_json(STRATA_BUNDLE)
        plan = at(bundle, PLAN)
        strata = plan["strata"]
        self.assertTrue(any(s["levels"] and s["districts"] for s in strata), "a stratum by level and district")
        # §8 says "one split by district and level"; the vector splits one stratum by level and
        # another by district (no stratum by both), which is how that sentence is read here.
        self.assertEqual({a for s in strata for a in s["split_by"]}, {"district", "level"}, "splits by district and by level")
        full = [s for s in strata if s["ratio"] and len(set(s["ratio"].split("/"))) == 1]
        self.assertEqual({s["exclusions"] for s in full}, {"apply", "ignore"}, "100 % strata that ignore and apply the exclusions")
        self.assertTrue(plan["constraints"]["exclude_inspected_in_year"])
        self.assertIsNotNone(plan["floor"])
        self.assertEqual(bundle["draw"]["strata"][-1]["name"], plan["floor"]["name"])
        self.assertTrue(bundle["draw"]["strata"][-1]["targets"], "the floor draws")
        self.assertTrue(any("（" in s["name"] for s in bundle["draw"]["strata"]))

    def test_strata_bundle_changes_are_caught(self):
        original = load_json(STRATA_BUNDLE)
        vb.verify(original)
        entities = [e["uscc"] for e in at(original, SNAP)["entities"]]
        for i, part in enumerate(original["draw"]["strata"]):
            for what in ("uscc", "size"):
                if what == "uscc" and not part["targets"]:
                    continue
                with self.subTest(part=part["name"], what=what):
                    bundle = copy.deepcopy(original)
                    target_part = bundle["draw"]["strata"][i]
                    if what == "uscc":
                        uscc = target_part["targets"][0]["uscc"]
                        target_part["targets"][0]["uscc"] = entities[(entities.index(uscc) + 1) % len(entities)]
                        path = f"/draw/strata/{i}/targets/0/uscc"
                    else:
                        target_part["size"] += 1
                        path = f"/draw/strata/{i}/size"
                    with self.assertRaises(vb.Discrepancy) as caught:
                        vb.verify(bundle)
                    self.assertEqual(caught.exception.path, path, caught.exception.message)
                    if what == "size":  # the re-check of §7.1 step 6 alone catches a size too
                        header = bundle["commitment"]["header"]
                        with self.assertRaises(vb.Discrepancy) as caught:
                            vb.recheck_result(header["plan"], header, at(bundle, SNAP), bundle["draw"])
                        self.assertEqual(caught.exception.path, path, caught.exception.message)

    def test_strata_bundle_target_of_another_part_fails_the_recheck(self):
        """§7.1 step 6 alone (without the recomputation): a target replaced by the first target of
        the next part is drawn twice, or outside its part."""
        original = load_json(STRATA_BUNDLE)
        parts = original["draw"]["strata"]
        with_targets = [i for i, p in enumerate(parts) if p["targets"]]
        for i, k in zip(with_targets, with_targets[1:]):
            with self.subTest(part=parts[i]["name"]):
                bundle = copy.deepcopy(original)
                bundle["draw"]["strata"][i]["targets"][0]["uscc"] = parts[k]["targets"][0]["uscc"]
                header = bundle["commitment"]["header"]
                with self.assertRaises(vb.Discrepancy) as caught:
                    vb.recheck_result(header["plan"], header, at(bundle, SNAP), bundle["draw"])
                self.assertIn(caught.exception.path, (f"/draw/strata/{i}/targets/0/uscc", f"/draw/strata/{k}/targets/0/uscc"))


class Version5JointTest(unittest.TestCase):
    """Version 5: a joint batch's department names its own matters, and its slot is staffed by
    the sector of those matters (§3.1, §3.2, §6.1), in joint-bundle.json."""

    def test_the_fire_slot_takes_the_fire_matters_sector(self):
        bundle = load_json(JOINT_BUNDLE)
        plan = at(bundle, PLAN)
        self.assertEqual(plan["team"]["department_matters"], [{"department": "市消防救援总队", "matters": ["T-XF-01"]}])
        officers = {o["card_no"]: o for o in at(bundle, SNAP)["officers"]}
        unstaffed = 0
        for target in bundle["draw"]["strata"][0]["targets"]:
            if target["unstaffed"] is not None:
                # Both fire officers who could go are recused: counted for the slot's own sector.
                self.assertEqual(target["unstaffed"], {"after_conflicts": 0, "department": "市消防救援总队", "qualified": 2, "slot": 1})
                unstaffed += 1
                continue
            self.assertEqual(officers[target["team"][1]]["sectors"], ["消防安全"])
        self.assertGreaterEqual(unstaffed, 1)

    def test_an_officer_without_the_slots_sector_fails_the_recheck(self):
        """F-004 is of the fire department but holds 养老服务, the target's sector: the version 4
        rule would take him, version 5's does not."""
        bundle = load_json(JOINT_BUNDLE)
        targets = bundle["draw"]["strata"][0]["targets"]
        k = next(i for i, t in enumerate(targets) if t["team"])
        targets[k]["team"][1] = "F-004"
        header = bundle["commitment"]["header"]
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.recheck_result(header["plan"], header, at(bundle, SNAP), bundle["draw"])
        self.assertEqual(caught.exception.path, f"/draw/strata/0/targets/{k}/team/1", caught.exception.message)
        self.assertIn("消防安全", caught.exception.message)

    def test_department_matters_rules(self):
        cases = [
            ({"department": "市民政执法总队x", "matters": ["T-XF-01"]}, "/department"),
            ({"department": "市消防救援总队", "matters": []}, "/matters"),
            ({"department": "市消防救援总队", "matters": ["T-ZZ-01"]}, "/matters/0"),
        ]
        for entry, suffix in cases:
            with self.subTest(entry=entry):
                plan = at(load_json(JOINT_BUNDLE), PLAN)
                plan["team"]["department_matters"] = [entry]
                with self.assertRaises(vb.Discrepancy) as caught:
                    vb.check_plan_rules(plan, "/commitment/header/plan", "5")
                self.assertEqual(caught.exception.path, "/commitment/header/plan/team/department_matters/0" + suffix, caught.exception.message)
        plan = at(load_json(JOINT_BUNDLE), PLAN)
        plan["team"]["department_matters"].append({"department": "市民政执法总队", "matters": ["T-XF-01"]})
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.check_plan_rules(plan, "/commitment/header/plan", "5")
        self.assertIn("another department", caught.exception.message)

    def test_one_form_and_named_population_sectors(self):
        """§3.1: entries in team.departments order, matters in plan order; a plan with an entry
        names its population's sectors."""
        plan = at(load_json(JOINT_BUNDLE), PLAN)
        plan["team"]["department_matters"].insert(0, {"department": "市民政执法总队", "matters": ["T-YL-01"]})
        vb.check_plan_rules(copy.deepcopy(plan), "/commitment/header/plan", "5")
        plan["team"]["department_matters"].reverse()
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.check_plan_rules(plan, "/commitment/header/plan", "5")
        self.assertIn("order of team.departments", caught.exception.message)
        plan = at(load_json(JOINT_BUNDLE), PLAN)
        plan["population"]["sectors"] = []
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.check_plan_rules(plan, "/commitment/header/plan", "5")
        self.assertEqual(caught.exception.path, "/commitment/header/plan/population/sectors")

    def test_a_department_none_of_whose_officers_holds_its_sector_is_refused(self):
        bundle = load_json(JOINT_BUNDLE)
        header = bundle["commitment"]["header"]
        for o in at(bundle, SNAP)["officers"]:
            if o["department"] == "市消防救援总队":
                o["sectors"] = ["养老服务"]
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.check_directory_rules(header["plan"], header, at(bundle, SNAP))
        self.assertIn("holds the sector", caught.exception.message)

    def test_the_lists_source_agrees_with_the_lists_snapshot(self):
        """§2.4: rows equal the lists records; an empty lists table has the header line's hash."""
        bundle = load_json(JOINT_BUNDLE)
        self.assertEqual(at(bundle, SNAP)["lists"], [])
        self.assertEqual(bundle["commitment"]["header"]["sources"][5]["sha256"], "4d5c90ddeb0f4f8911661e80c811c1bf72c8cac3f2dfc830b02c84ec8a7b2a78")
        vb.check_snapshots(bundle["commitment"])
        for field, value in (("rows", 1), ("sha256", "0" * 64)):
            with self.subTest(field=field):
                changed = load_json(JOINT_BUNDLE)
                changed["commitment"]["header"]["sources"][5][field] = value
                with self.assertRaises(vb.Discrepancy) as caught:
                    vb.check_snapshots(changed["commitment"])
                self.assertEqual(caught.exception.path, "/commitment/header/sources/5/" + field)

    def test_a_department_with_matters_of_two_sectors_is_refused(self):
        bundle = load_json(JOINT_BUNDLE)
        header = bundle["commitment"]["header"]
        header["plan"]["team"]["department_matters"][0]["matters"] = ["T-YL-01", "T-XF-01"]
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.check_directory_rules(header["plan"], header, at(bundle, SNAP))
        self.assertIn("several sectors", caught.exception.message)

    def test_version_4_has_no_department_matters(self):
        bundle = load_json(MINI_BUNDLE_V4)
        bundle["commitment"]["header"]["plan"]["team"]["department_matters"] = []
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.verify(bundle)
        self.assertIn("department_matters", caught.exception.path + caught.exception.message)


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Version 5: the lists snapshot and the stratum selector `lists`
# ─────────────────────────────────────────────────────────────────────────────────────────────

LISTS_BUNDLE = os.path.join(VECTORS, "lists-bundle.json")


class Version5ListsTest(unittest.TestCase):
    """lists-bundle.json (§8): a 100% stratum of one list that ignores the exclusions, a
    stratum of another list combined with grades, and the rest; the rules of §2 and §3 on
    lists, each broken alone."""

    def verify(self, bundle):
        return vb.verify(bundle)

    def expect_fail(self, bundle, path, words):
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.verify(bundle)
        self.assertEqual(caught.exception.path, path, caught.exception.message)
        self.assertIn(words, caught.exception.message)

    def test_the_vector_passes_and_selects_by_list(self):
        status, out = run_cli(LISTS_BUNDLE)
        self.assertEqual(status, 0, out)
        bundle = load_json(LISTS_BUNDLE)
        self.assertEqual(at(bundle, ("commitment", "header", "spec_version")), "5")
        on = vb.memberships(at(bundle, SNAP))
        first = bundle["draw"]["strata"][0]
        self.assertEqual((first["population"], first["excluded"], len(first["targets"])), (3, 0, 3))
        for target in first["targets"]:
            self.assertIn("活动异常名录", on[target["uscc"]])
        for target in bundle["draw"]["strata"][1]["targets"]:
            self.assertIn("投诉举报", on[target["uscc"]])

    def test_a_list_no_record_names_is_refused(self):
        bundle = load_json(LISTS_BUNDLE)
        at(bundle, PLAN)["strata"][1]["lists"] = ["投诉举报", "严重违法失信名单"]
        self.expect_fail(reseal(bundle), "/commitment/header/plan/strata/1/lists/1", "no record of the lists snapshot")

    def test_a_list_named_twice_is_refused(self):
        bundle = load_json(LISTS_BUNDLE)
        at(bundle, PLAN)["strata"][1]["lists"] = ["投诉举报", "投诉举报"]
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.verify(reseal(bundle))
        self.assertIn("twice", caught.exception.message)

    def test_a_stratum_inside_an_earlier_ones_lists_is_shadowed(self):
        bundle = load_json(LISTS_BUNDLE)
        strata = at(bundle, PLAN)["strata"]
        strata[1]["grades"] = []
        strata[1]["lists"] = ["活动异常名录"]
        self.expect_fail(reseal(bundle), "/commitment/header/plan/strata/1", "shadowed")
        # A list the earlier stratum does not name: not shadowed.
        bundle = load_json(LISTS_BUNDLE)
        at(bundle, PLAN)["strata"][1]["grades"] = []
        self.verify(reseal(bundle))

    def test_the_lists_snapshot_is_checked(self):
        for what, change, path, words in (
            ("out of order", lambda l: l.reverse(), "/commitment/snapshots/lists/1", "canonical order"),
            ("repeated pair", lambda l: l.insert(1, dict(l[0])), "/commitment/snapshots/lists/1", "repeats"),
            ("extra field", lambda l: l[0].update(reason="x"), "/commitment/snapshots/lists/0/reason", "reason"),
            ("bad uscc", lambda l: l[0].update(uscc=l[0]["uscc"][:-1] + "0"), "/commitment/snapshots/lists/0/uscc", "check"),
        ):
            with self.subTest(what):
                bundle = load_json(LISTS_BUNDLE)
                change(at(bundle, SNAP)["lists"])
                with self.assertRaises(vb.Discrepancy) as caught:
                    vb.verify(reseal(bundle))
                self.assertEqual(caught.exception.path, path, caught.exception.message)

    def test_a_record_removed_without_resealing_fails_the_digest(self):
        bundle = load_json(LISTS_BUNDLE)
        at(bundle, SNAP)["lists"].pop()
        self.expect_fail(bundle, "/commitment/header/snapshots/lists/count", "§2.3")

    def test_versions_before_5_have_no_lists(self):
        # A version 4 bundle with a lists snapshot, a sixth source or a stratum's lists.
        for what, change, path in (
            ("lists snapshot", lambda b: at(b, SNAP).update(lists=[]), "/commitment/snapshots/lists"),
            ("sixth source", lambda b: at(b, ("commitment", "header", "sources")).append(dict(at(b, ("commitment", "header", "sources"))[0], file="lists.csv")), "/commitment/header/sources/5"),
            ("stratum lists", lambda b: at(b, PLAN)["strata"][0].update(lists=[]), "/commitment/header/plan/strata/0/lists"),
        ):
            with self.subTest(what):
                bundle = load_json(MINI_BUNDLE_V4)
                change(bundle)
                with self.assertRaises(vb.Discrepancy) as caught:
                    vb.verify(reseal(bundle))
                self.assertEqual(caught.exception.path, path, caught.exception.message)
        # And a version 5 bundle without them.
        bundle = load_json(LISTS_BUNDLE)
        del at(bundle, PLAN)["strata"][2]["lists"]
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.verify(reseal(bundle))
        self.assertEqual(caught.exception.path, "/commitment/header/plan/strata/2/lists", caught.exception.message)

    def test_a_target_not_on_the_list_is_caught_by_the_recheck(self):
        """§7.1 step 6 on the draw directly: an entity that is not on 活动异常名录 put in the
        full-coverage stratum's place."""
        bundle = load_json(LISTS_BUNDLE)
        header, snapshots = at(bundle, ("commitment", "header")), at(bundle, SNAP)
        on = vb.memberships(snapshots)
        drawn = {t["uscc"] for s in bundle["draw"]["strata"] for t in s["targets"]}
        outsider = next(
            e["uscc"] for e in snapshots["entities"]
            if e["status"] == "正常" and e["uscc"] not in on and e["uscc"] not in drawn
        )
        bundle["draw"]["strata"][0]["targets"][0]["uscc"] = outsider
        with self.assertRaises(vb.Discrepancy) as caught:
            vb.recheck_result(header["plan"], header, snapshots, bundle["draw"])
        self.assertIn("not the first stratum that selects it", caught.exception.message)


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Published bundles
# ─────────────────────────────────────────────────────────────────────────────────────────────


class RegistryBundlesTest(unittest.TestCase):
    def test_registry_bundles(self):
        bundles = sorted(glob.glob(os.path.join(ROOT, "registries", "**", "*.bundle.json"), recursive=True))
        if not bundles:
            self.skipTest("no registries/**/*.bundle.json yet")
        for path in bundles:
            with self.subTest(os.path.relpath(path, ROOT)):
                status, out = run_cli(path)
                self.assertEqual(status, 0, out)


if __name__ == "__main__":
    unittest.main()
