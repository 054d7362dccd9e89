"""The Unity package's own protobuf code is held to Python's protobuf bytes (wire-vectors.txt)."""
from unity_wire_vectors import VECTORS, lines


def test_wire_vectors_for_the_unity_tests_are_current():
    assert VECTORS.read_text().splitlines() == lines(), "stale: run python tests/unity_wire_vectors.py"


def test_vectors_cover_defaults_unicode_extreme_seed_and_negative_zero():
    text = VECTORS.read_text()
    assert "text=a%20person" in text and "output=none" in text        # defaults left out
    assert "seed=18446744073709551615" in text                       # all 64 bits
    assert "%E2%80%94" in text                                       # UTF-8 beyond ASCII
    assert "guidance=-0.0" in text                                   # -0.0 is written, +0.0 is not
