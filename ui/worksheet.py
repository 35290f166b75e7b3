"""A printable worksheet of the backprop page's problem, in the page's language: the forward
pass's numbers (the true bits, the net's outputs and bits, its hidden states) and the output
delta of every bit left blank to be filled in beside the walk and worked out by hand, the
question of the walk, and an answer key with every number, on a page of its own when printed.
Every number comes from the walk (rnn.blame.walk: rnn.model's forward and backward pass).

Why a self-contained HTML file, offered by st.download_button: any browser opens and prints it,
and print CSS puts the answer key on a page of its own; Chinese is drawn by the reader's own
fonts. A PDF would need a PDF writer and a CJK font embedded in every file, neither of which the
app has (nor Streamlit: it has no printable output of its own).
"""
import html
from dataclasses import dataclass

import numpy as np

from ui.i18n import language, t

MAX_UNITS = 16  # hidden units printed (the first ones): a wider table does not fit on a page
CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC",
  "Microsoft YaHei", sans-serif; color: #111; line-height: 1.4; }
@media screen { body { max-width: 60em; margin: 2em auto; padding: 0 1em; }
  .key { border-top: 2px dashed #888; margin-top: 3em; padding-top: 1em; } }
@page { size: A4; margin: 14mm; }
.key { break-before: page; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.2em; }
table { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 0.85em;
  break-inside: avoid; }
th, td { border: 1px solid #555; padding: 2px 5px; min-width: 3.4em; height: 1.5em;
  text-align: center; font-variant-numeric: tabular-nums; }
th { background: #eceff1; font-weight: 600; }
.blank { background: #fff; }
"""


@dataclass
class Sheet:
    """The worksheet's numbers, per bit t (least significant first, as rnn keeps them)."""
    a: int
    b: int
    a_bits: np.ndarray  # (T,)
    b_bits: np.ndarray  # (T,)
    target: np.ndarray  # (T,) the true bits y_t of a - b
    output: np.ndarray  # (T,) the net's out_t, the book's layer_2
    written: np.ndarray  # (T,) the bit the net writes
    hidden: np.ndarray  # (T, units) the state each bit leaves, h_{t+1} (the first MAX_UNITS)
    units: int  # the net's hidden units (of which `hidden` holds the first MAX_UNITS)
    output_delta: np.ndarray  # (T,) (y - out) * out * (1 - out), the book's layer_2_delta
    most_blamed: int  # the bit whose state gets the most blame (the walk's question)
    share: float  # its share of the blame


def numbers(walked):
    """The Sheet of a walk (rnn.blame.Walk)."""
    trace, back = walked.shown.trace, walked.shown.back
    best = walked.most_blamed
    return Sheet(walked.shown.a, walked.shown.b, trace.inputs[:, 0].astype(int),
                 trace.inputs[:, 1].astype(int), trace.target.astype(int), trace.output,
                 trace.prediction.astype(int), trace.hidden[1:, :MAX_UNITS],
                 trace.hidden.shape[1], back.output_delta, best,
                 float(walked.blame.share[best]))


def significant(value, digits=4):
    """`value` to `digits` significant digits, written out without an exponent (0.00008643),
    as a school's hand calculation would write it."""
    if value == 0 or not np.isfinite(value):
        return f"{value:g}"
    return f"{value:.{max(0, digits - 1 - int(np.floor(np.log10(abs(value)))))}f}"


def table(head, rows, columns):
    """An HTML table: a header cell `head`, then one column per bit (`columns`: the highest
    first); each row (label, cells), a cell None left blank."""
    cells = "".join(f"<th>{html.escape(t('bs_choice', t=c))}</th>" for c in columns)
    lines = [f"<tr><th>{html.escape(head)}</th>{cells}</tr>"]
    for label, values in rows:
        tds = "".join('<td class="blank"></td>' if v is None else f"<td>{html.escape(v)}</td>"
                      for v in values)
        lines.append(f"<tr><th>{html.escape(label)}</th>{tds}</tr>")
    return f"<table>{''.join(lines)}</table>"


def sections(sheet, filled):
    """The worksheet's three tables and its question, blank or `filled` (the answer key)."""
    steps = len(sheet.target)
    order = list(reversed(range(steps)))  # the highest bit first, as written at school

    def row(values, form):
        return [form(values[s]) if filled else None for s in order]
    forward = table("", [
        ("a", [str(sheet.a_bits[s]) for s in order]),
        ("b", [str(sheet.b_bits[s]) for s in order]),
        (t("ws_row_target"), row(sheet.target, str)),
        (t("ws_row_output"), row(sheet.output, lambda v: f"{v:.4f}")),
        (t("ws_row_written"), row(sheet.written, str))], order)
    units = sheet.hidden.shape[1]
    hidden = table(t("ws_row_unit"), [
        (f"h[{u}]", row(sheet.hidden[:, u], lambda v: f"{v:.3f}")) for u in range(units)], order)
    error = sheet.target - sheet.output
    delta = table("", [
        ("y − out", row(error, lambda v: f"{v:.4f}")),
        ("1 − out", row(1 - sheet.output, lambda v: f"{v:.4f}")),
        ("layer_2_delta", row(sheet.output_delta, significant))], order)
    answer = (t("ws_answer_question", t=sheet.most_blamed, share=sheet.share) if filled
              else "______")
    shown_units = (t("ws_hidden_all", units=units) if units == sheet.units
                   else t("ws_hidden_some", shown=units, units=sheet.units))
    return "".join([
        f"<h2>{html.escape(t('ws_forward_header'))}</h2>",
        f"<p>{html.escape(t('ws_forward_text'))}</p>", forward,
        f"<p>{html.escape(shown_units)}</p>", hidden,
        f"<h2>{html.escape(t('ws_delta_header'))}</h2>",
        f"<p>{html.escape(t('ws_delta_text'))}</p>", delta,
        f"<h2>{html.escape(t('ws_question_header'))}</h2>",
        f"<p>{html.escape(t('ws_question'))} {html.escape(answer)}</p>"])


def build(walked, iteration):
    """The worksheet of a walk as one HTML document (text), in the current language; the net is
    the one of training iteration `iteration`."""
    sheet = numbers(walked)
    bits, alpha = len(sheet.target), walked.shown.alpha
    title = t("ws_title", a=sheet.a, b=sheet.b)
    about = t("ws_about", a=sheet.a, b=sheet.b, bits=bits, units=sheet.units,
              iteration=iteration, alpha=alpha)
    lang = "zh-CN" if language() == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p>{html.escape(about)}</p>"
            f"<p>{html.escape(t('ws_name'))}</p>"
            f"<section>{sections(sheet, filled=False)}</section>"
            f'<section class="key"><h1>{html.escape(t("ws_key_header", a=sheet.a, b=sheet.b))}'
            f"</h1>{sections(sheet, filled=True)}</section></body></html>")
