"""The one catalogue of user-visible strings (ui/locales/*.toml): both languages for every entry,
the same placeholders in both, every key the code names or builds exists, and no key is unused."""
import ast
import itertools
import re
import string
from pathlib import Path

from ui.i18n import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
SOURCES = [REPO / "playground.py", REPO / "streamlit_app.py",
           *sorted((REPO / "app_pages").glob("*.py")), *sorted((REPO / "ui").glob("*.py"))]


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


def built_keys():
    """{template: the keys the code builds with it}: every key made at run time, from the code's
    own names (a slider's help, a refusal's reason, a phase of the walk...)."""
    from app_pages.train import STARTING_POINTS
    from compute.scheduler import REASONS as REFUSALS
    from rnn.weights import REASONS
    from ui.picture import BACKWARD, FORWARD, QUESTION, UPDATE
    from ui.settings import CHOICES, NUMBERS
    bits = "01"
    return {
        "{name}_help": {f"{name}_help" for name in NUMBERS},
        "sampling_{value}": {f"sampling_{value}" for value in CHOICES["sampling"]},
        "refused_{refused.reason}": {f"refused_{reason}" for reason in REFUSALS},
        "weights_{error.reason}": {f"weights_{reason}" for reason in REASONS},
        "{key}_watch": {f"{key}_watch" for key, _, _ in STARTING_POINTS},
        "bs_where_{phase}": {f"bs_where_{p}" for p in (FORWARD, QUESTION, BACKWARD, UPDATE)},
        "bs_col_{a_bit}{b_bit}{borrow_in}":  # and, where the top bit borrows, its "_top" case
            {"bs_col_" + "".join(c) for c in itertools.product(bits, bits, bits)}
            | {f"bs_col_{c}_top" for c in ("010", "001", "011", "111")},
        "bs_net_{right}_{confident}": {f"bs_net_{r}_{c}" for r in ("right", "wrong")
                                       for c in ("sure", "unsure")},
        "part_key": {f"{prefix}_{part}" for prefix in ("bs_back", "bs_why")
                     for part in ("own", "later", "both")},
    }


def test_keys_the_code_builds_exist():
    """Every key built at run time exists, and every key-building f-string in the code is one of
    the templates listed (a new one must be listed, so that its keys are checked)."""
    built = built_keys()
    assert set().union(*built.values()) - set(CATALOGUE) == set()
    found = {template for path in SOURCES
             for template in re.findall(r"\bt\(f\"([^\"]+)\"", path.read_text(encoding="utf-8"))}
    assert found <= set(built), found - set(built)
    calls = {prefix for path in SOURCES for prefix in re.findall(
        r"\bpart_key\(\"([a-z_]+)\"", path.read_text(encoding="utf-8"))}
    assert calls == {"bs_back", "bs_why"}


def test_no_key_is_unused():
    """Every key in the catalogue is named in the code (as a string) or built by it."""
    named = {node.value for path in SOURCES for node in ast.walk(ast.parse(path.read_text(
        encoding="utf-8"))) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    unused = set(CATALOGUE) - named - set().union(*built_keys().values())
    assert unused == set()


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


def test_no_emoji_in_the_app_or_its_catalogue():
    """No pictograph that may need an emoji font (symbols and dingbats U+2600-27BF and
    U+2B00-2BFF, U+1F000-1FAFF, or any character asked to look like one with U+FE0F) in the app's
    code or its catalogue: on a machine without an emoji font it is an empty box. The text marks
    ✓ and ✗ are drawn in the text font and are allowed. (A conditional icon,
    `icon=... if ... else "❌"`, once slipped past the icon test.)"""
    emoji = re.compile("[\u2600-\u2712\u2714-\u2716\u2718-\u27BF\u2B00-\u2BFF"
                       "\U0001F000-\U0001FAFF\uFE0F]")
    root = Path(__file__).resolve().parents[2]
    files = [*root.glob("app_pages/*.py"), *root.glob("ui/*.py"), *root.glob("ui/locales/*.toml"),
             *root.glob("compute/*.py"), *root.glob("rnn/*.py"), root / "playground.py"]
    assert len(files) > 20
    found = [f"{path.relative_to(root)}: {char!r}" for path in files
             for char in emoji.findall(path.read_text("utf-8"))]
    assert found == []
