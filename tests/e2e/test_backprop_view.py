"""The backprop page's walk in a real browser: what only a browser shows (the timer of play, the
picture's size on a phone, charts drawn), one behaviour per test. Numbers the page must show are
computed here from the core's own run of the book's settings and the book's equations in plain
Python (tests/reference.py), never copied from one machine's output."""
import math
import re

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, under REQUIRE_BROWSER=1) and say why
    expect = None

from scripts.serving import drawn_charts, wait_for_charts, wait_for_script

FRAMES = 18  # 8 bits: forward, the question, backward, the update
PHONE = {"width": 390, "height": 844}
WHERE = re.compile(r"^(?:Step (\d+) of 18|第 (\d+) / 18 步)")  # the position line, en or zh


def open_view(page, app_url, query="lang=en"):
    page.goto(f"{app_url}/backprop?{query}")
    wait_for_script(page)
    page.locator("svg[data-phase]").first.wait_for()
    return page


def frame(page):
    """The number of the frame shown (1 to FRAMES), read off the position line."""
    text = page.locator("strong").filter(has_text=WHERE).first.inner_text()
    found = WHERE.match(text)
    return int(found[1] or found[2])


def position(page, n):
    """The position line once it says frame `n`."""
    shown = re.compile(rf"^(Step {n} of 18|第 {n} / 18 步)")
    return page.locator("strong").filter(has_text=shown)


def button(page, key):
    return page.locator(f".st-key-{key} button")


def next_to(page, n):
    """Press Next until frame `n` shows, waiting for each frame (a click made while the last one
    is being answered can be merged into it)."""
    for shown in range(frame(page) + 1, n + 1):
        button(page, "bs_next").click()
        expect(position(page, shown)).to_be_visible()
    wait_for_script(page)


def book_net():
    """The core's own run of the book's settings (the model the server trains)."""
    from rnn import TrainConfig, train
    return train(TrainConfig()).params


def test_play_advances_by_itself_and_pause_stops_it(page, app_url):
    """Play moves the walk on with no further click; Pause stops it: two seconds later it is on
    the same frame, and the button says Play again."""
    open_view(page, app_url)
    button(page, "bs_play").click()
    expect(position(page, 3)).to_be_visible()  # two frames on, by itself
    expect(button(page, "bs_play")).to_contain_text("Pause")
    button(page, "bs_play").click()
    expect(button(page, "bs_play")).to_contain_text("Play")
    wait_for_script(page)
    paused = frame(page)
    page.wait_for_timeout(2000)  # checking that nothing moves needs a fixed wait
    assert frame(page) == paused
    assert page.locator("[data-testid='stException']").count() == 0


def test_step_buttons_and_keys_work_without_play(page, app_url):
    """Next and Back move one frame; the arrow keys do the same (the buttons' shortcuts), and
    so does Enter on the focused Next button: no play needed, no pointer needed."""
    open_view(page, app_url)
    next_to(page, 4)
    button(page, "bs_back").click()
    expect(position(page, 3)).to_be_visible()
    wait_for_script(page)
    page.locator("body").press("ArrowRight")
    expect(position(page, 4)).to_be_visible()
    wait_for_script(page)
    button(page, "bs_next").focus()
    page.keyboard.press("Enter")
    expect(position(page, 5)).to_be_visible()
    svg = page.locator("svg[data-phase]").first
    expect(svg).to_have_attribute("data-phase", "forward")
    expect(svg).to_have_attribute("data-step", "4")


def test_the_backward_walk_starts_after_the_forward_one(page, app_url):
    """Played from the last forward frames, the walk stops by itself at the question (it waits
    for a guess); after it, Next shows the backward walk from the highest bit, 7, then 6."""
    open_view(page, app_url)
    next_to(page, 7)
    button(page, "bs_play").click()
    expect(position(page, 9)).to_be_visible()
    expect(button(page, "bs_play")).to_contain_text("Play")  # stopped at the question
    expect(page.get_by_text("which bit will get the most blame?").first).to_be_visible()
    button(page, "bs_next").click()
    svg = page.locator("svg[data-phase]").first
    expect(svg).to_have_attribute("data-phase", "backward")
    expect(svg).to_have_attribute("data-step", "7")
    button(page, "bs_next").click()
    expect(svg).to_have_attribute("data-step", "6")


def most_blamed():
    """The bit whose hidden state gets the most blame on 128 - 1, by the book's equations."""
    from tests.reference import book_pass
    params = book_net()
    book = book_pass(params, 128, 1, 8)
    sh, s1 = params.synapse_h.tolist(), params.synapse_1.tolist()

    def size(t):
        return math.sqrt(sum((book["output_delta"][t] * s1[i][0] + (sum(
            book["hidden_delta"][t + 1][j] * sh[i][j] for j in range(16)) if t < 7 else 0.0))
            ** 2 for i in range(16)))
    return max(range(8), key=size)


def test_the_question_accepts_the_right_bit_and_refuses_another(page, app_url):
    """At the question, the most blamed bit is accepted and another one refused."""
    open_view(page, app_url)
    next_to(page, 9)
    best = most_blamed()
    choices = page.get_by_test_id("stRadio")
    choices.get_by_text(f"bit {(best + 2) % 8}", exact=True).click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Not this time ✗")).to_be_visible()
    choices.get_by_text(f"bit {best}", exact=True).click()
    expect(page.get_by_test_id("stAlert").filter(
        has_text=f"Right ✓: bit {best} gets the most blame")).to_be_visible()


def test_the_hand_calculation_accepts_a_right_answer_and_refuses_a_wrong_one(page, app_url):
    """(y − out) out (1 − out) of the step shown, from the book's equations, is accepted and the
    chain-rule line shown; twice that is refused."""
    from tests.reference import book_pass
    book = book_pass(book_net(), 128, 1, 8)
    deltas = [(y - o) * o * (1 - o) for y, o in zip(book["target"], book["output"])]
    step = max(range(8), key=lambda t: abs(deltas[t]))
    open_view(page, app_url)
    expect(page.get_by_text(f"Take bit {step},").first).to_be_visible()
    field = page.locator(".stTextInput input").first
    field.fill(f"{2 * deltas[step]:.6g}")
    field.press("Enter")
    expect(page.get_by_test_id("stAlert").filter(has_text="Not quite ✗")).to_be_visible()
    field.fill(f"{deltas[step]:.6g}")
    button(page, "bs_hand_check").click()
    # the hand check's own verdict (the walk's sentence of a step may say "Right ✓" too)
    right = page.get_by_test_id("stAlert").filter(has_text="is within 1 % of the exact")
    expect(right).to_have_count(1)
    expect(right).to_contain_text("Right ✓")
    expect(page.get_by_text("This is the chain rule").first).to_be_visible()


def test_the_reach_chart_is_drawn_at_two_snapshots(page, app_url):
    """The vanishing-gradient chart is drawn with the start and the end of training, at 8 bits
    and, after choosing it, at 32 bits."""
    open_view(page, app_url)
    wait_for_charts(page, 2)
    for width, subtitle in ((8, "128 − 1, log scale"), (32, "2,147,483,648 − 1, log scale")):
        if width == 32:
            page.get_by_test_id("stButtonGroup").get_by_text("32 bits", exact=False).click()
            wait_for_script(page)
        chart = page.get_by_test_id("stVegaLiteChart").filter(
            has_text=f"Strength of bit {width - 1}'s error at each bit").filter(has_text=subtitle)
        expect(chart).to_contain_text("start of training (iteration 0)")
        expect(chart).to_contain_text("end of training (iteration 10,000)")
        expect(chart.locator("svg.marks path").first).to_be_visible()
    assert drawn_charts(page) >= 2


def test_eight_bits_fit_a_phone(new_page, app_url):
    """At 390x844, in Chinese, the picture of an 8-bit problem fits the screen (nothing scrolls
    sideways, on the page or inside the picture) at every phase."""
    page = open_view(new_page(viewport=PHONE, locale="zh-CN"), app_url, "lang=zh")
    for shown in (1, 12, FRAMES):  # forward, backward, the update
        next_to(page, shown)
        sizes = page.evaluate("""() => {
            const svg = document.querySelector("svg[data-phase]");
            const holder = svg.parentElement;
            return {page: document.documentElement.scrollWidth, holder: holder.scrollWidth,
                    visible: holder.clientWidth, right: svg.getBoundingClientRect().right}; }""")
        assert sizes["page"] <= PHONE["width"], sizes
        assert sizes["holder"] <= sizes["visible"], sizes
        assert sizes["right"] <= PHONE["width"], sizes


def test_leaving_the_page_stops_play(page, app_url):
    """Playing, then going to the calculator for four seconds (three ticks' worth): back on the
    page, the walk is where it was left, give or take the one tick since coming back."""
    open_view(page, app_url)
    button(page, "bs_play").click()
    expect(position(page, 2)).to_be_visible()
    when_left = frame(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Calculator").click()
    expect(page.get_by_role("heading", name="Subtraction calculator")).to_be_visible()
    page.wait_for_timeout(4000)  # what play would do meanwhile needs a fixed wait
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Backpropagation").click()
    page.locator("svg[data-phase]").first.wait_for()
    assert frame(page) <= when_left + 2  # a tick as the link was clicked, one since coming back


def test_the_experts_matrices_are_one_click_away(page, app_url):
    """The experts' expander opens onto the heatmaps and the gradient check; its forward
    stepper still moves."""
    open_view(page, app_url)
    page.get_by_text("For experts: every matrix").click()
    wait_for_script(page)
    expect(page.get_by_text("Passed: the numerical and back-propagated gradients")).to_be_visible()
    stepper = page.locator(".st-key-bp_step_forward_8 input[type='range']").first
    stepper.focus()
    stepper.press("ArrowRight")
    page.get_by_text("Step 1: reads").first.wait_for()
    wait_for_script(page)
    assert page.locator("[data-testid='stException']").count() == 0
