import pytest

from tests.app.charts import chart_rows


@pytest.fixture
def calc(open_page):
    return lambda query=None: open_page("app_pages/calculator.py", query)


def metrics(at):
    return {m.label: m.value for m in at.metric}


def bit_rows(at):
    """The bits chart's cells as {row label: bit string, most significant first}."""
    values = chart_rows(at.get("vega_lite_chart")[0])
    rows = {}
    for cell in sorted(values, key=lambda v: -v["bit"]):
        rows[cell["row"]] = rows.get(cell["row"], "") + str(cell["value"])
    return rows


def test_default_problem(calc):
    """With the default model 200 − 57 gives 143, every bit right."""
    at = calc()
    assert metrics(at) == {"Net's answer": "143", "True answer": "143", "Wrong bits": "0"}
    assert bit_rows(at) == {"a = 200": "11001000", "b = 57": "00111001",
                            "true bits": "10001111", "net's bits": "10001111"}
    assert at.success[0].value == "Exactly right: 200 − 57 = 143"


def test_narrow_widths_get_a_scaled_default_problem(calc):
    """At 4 bits the default problem is 200 − 57 scaled down, 12 − 3 (borrows included), not
    both operands clamped to 15."""
    at = calc({"bits": "4", "iterations": "3000"})
    assert at.number_input(key="calc_a_4").value == 12
    assert at.number_input(key="calc_b_4").value == 3
    assert metrics(at)["True answer"] == "9"


def test_typed_operands(calc):
    """Typing new operands answers at once."""
    at = calc()
    at.number_input(key="calc_a_8").set_value(128).run()
    at.number_input(key="calc_b_8").set_value(1).run()
    assert metrics(at)["Net's answer"] == "127" and not at.exception


def test_a_smaller_than_b_is_explained(calc):
    """a < b is no error: the net gives (a − b) mod 2^n and the page explains it."""
    at = calc()
    at.number_input(key="calc_a_8").set_value(3).run()
    at.number_input(key="calc_b_8").set_value(5).run()
    assert metrics(at)["True answer"] == "254" and not at.exception
    assert "two's complement" in at.info[0].value


def test_wide_operands_in_a_text_box(calc):
    """64-bit operands go into text boxes; a model trained on 8 bits still gets them right."""
    at = calc()
    at.toggle(key="calc_wide").set_value(True).run()
    at.slider(key="calc_width_True").set_value(64).run()
    a, b = 18_446_744_073_709_551_615, 12_345_678_901_234_567_890
    at.text_input(key="calc_a_64").input(str(a)).run()
    at.text_input(key="calc_b_64").input(str(b)).run()
    assert not at.exception
    assert metrics(at)["Net's answer"] == f"{a - b:,}" and metrics(at)["Wrong bits"] == "0"


@pytest.mark.parametrize("text, message", [
    ("12abc", "\"12abc\" is not a whole number."),
    ("-5", "\"-5\" does not fit in 40 bits"),
    ("2" * 30, "does not fit in 40 bits"),
], ids=["letters", "negative", "too-big"])
def test_bad_text_gets_a_message(calc, text, message):
    """Text that is not a fitting whole number gets a message, and the page goes on."""
    at = calc()
    at.toggle(key="calc_wide").set_value(True).run()
    at.slider(key="calc_width_True").set_value(40).run()
    at.text_input(key="calc_a_40").input(text).run()
    assert not at.exception
    assert message in at.error[0].value


def test_random_problems_score(calc):
    """Twenty random problems, all right for the book's model."""
    at = calc()
    at.button(key="calc_random").click().run()
    assert metrics(at)["Exactly right"] == "20 / 20"
    assert len(at.dataframe[-1].value) == 20


def test_chinese_calculator(calc):
    """The calculator speaks Chinese too."""
    at = calc({"lang": "zh"})
    assert at.title[0].value == "减法计算器"
    assert metrics(at)["网络的答案"] == "143"
