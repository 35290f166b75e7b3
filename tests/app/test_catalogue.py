"""The one catalogue of user-visible strings: both languages for every entry, the same
placeholders in both, and every key the code names exists."""
import re
import string
from pathlib import Path

from ui.i18n import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
SOURCES = [REPO / "playground.py", *sorted((REPO / "app_pages").glob("*.py")),
           *sorted((REPO / "ui").glob("*.py"))]


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_entry_has_both_languages_with_the_same_placeholders():
    for key, entry in CATALOGUE.items():
        assert set(entry) == {"zh", "en"}, key
        assert placeholders(entry["zh"]) == placeholders(entry["en"]), key


def test_every_key_named_in_the_code_exists():
    named = {key for path in SOURCES
             for key in re.findall(r"\bt\(\s*\"([a-z0-9_]+)\"", path.read_text(encoding="utf-8"))}
    assert len(named) > 100  # the pattern does find the calls
    assert named - set(CATALOGUE) == set()


def test_keys_made_from_names_exist():
    """Keys the code builds from a name: each slider's label and help, each sampling's label,
    each reason a weights file can be refused for."""
    from rnn.weights import REASONS
    from ui.settings import CHOICES, NUMBERS
    built = {*NUMBERS, *(f"{name}_help" for name in NUMBERS),
             *(f"sampling_{value}" for value in CHOICES["sampling"]),
             *(f"weights_{reason}" for reason in REASONS)}
    assert built - set(CATALOGUE) == set()


LAYOUT_WORDS = ["on the left", "on the right,", "problem on the right", "left, the", "right, the",
                "左边的设置", "右边的链接", "左图", "右图"]


def test_no_sentence_points_at_a_place_a_phone_moves():
    """On a phone the settings hide behind a button and side-by-side charts stack: no sentence
    sends the visitor to the left or the right of the page (bits are still read right to left)."""
    found = {key: word for key, entry in CATALOGUE.items() for text in entry.values()
             for word in LAYOUT_WORDS if word in text}
    assert found == {}


def test_speaking_names_the_language_within_it_only():
    """`speaking` (the warm-up's, which has no session) sets the language inside the `with`,
    nested ones included, and gives it back after."""
    from ui.i18n import CATALOGUE, speaking, t
    with speaking("zh"):
        assert t("page_train") == CATALOGUE["page_train"]["zh"]
        with speaking("en"):
            assert t("page_train") == CATALOGUE["page_train"]["en"]
        assert t("page_train") == CATALOGUE["page_train"]["zh"]
