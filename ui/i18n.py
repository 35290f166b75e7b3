"""Every string the user sees, in Chinese and English, and the language choice.

`t(key, **values)` looks the key up in the current language and fills in `values`. The language
follows `?lang=` when given, else the browser's (`st.context.locale`), else English.
"""
import streamlit as st

LANGUAGES = {"zh": "中文", "en": "English"}

CATALOGUE = {
    # navigation and sidebar
    "page_train": {"zh": "训练", "en": "Training"},
    "page_calculator": {"zh": "计算器", "en": "Calculator"},
    "sidebar_title": {"zh": "训练设置", "en": "Training settings"},
    "alpha": {"zh": "学习速率 alpha", "en": "Learning rate alpha"},
    "alpha_help": {"zh": "每个样本的权重更新乘以 alpha 后加到权重上。书中用 0.9。",
                   "en": "Each sample's weight update is multiplied by alpha and added to the "
                         "weights. The book uses 0.9."},
    "hidden": {"zh": "隐藏层节点数 hidden_dim", "en": "Hidden units (hidden_dim)"},
    "hidden_help": {"zh": "隐藏层有多少个神经元。书中用 16。",
                    "en": "How many neurons the hidden layer has. The book uses 16."},
    "iterations": {"zh": "迭代次数", "en": "Iterations"},
    "iterations_help": {"zh": "训练多少个样本,每个样本做一次梯度下降。书中用 10,000。",
                        "en": "How many training problems; one gradient step each. "
                              "The book uses 10,000."},
    "seed": {"zh": "随机种子", "en": "Random seed"},
    "seed_help": {"zh": "决定初始权重和训练题目。种子 0 复现书中的输出。",
                  "en": "Decides the starting weights and the training problems. Seed 0 "
                        "reproduces the book's output."},
    "bits": {"zh": "训练位数 binary_dim", "en": "Training width in bits (binary_dim)"},
    "bits_help": {"zh": "训练题目的二进制位数。书中用 8 位(256 以内的减法)。",
                  "en": "Bits of the training problems. The book uses 8 (numbers below 256)."},
    "sampling": {"zh": "出题方式", "en": "How problems are drawn"},
    "sampling_book": {"zh": "照书(a < b 时变成 a − a)", "en": "As the book (a < b becomes a − a)"},
    "sampling_fixed": {"zh": "真正交换 a 和 b", "en": "Really swap a and b"},
    "sampling_help": {"zh": "书中的“交换”三行代码其实把 b 设成了 a,于是 a < b 的题目变成 a − a = 0。"
                            "“照书”保留这一点以复现书中结果。",
                      "en": "The book's three \"swap\" lines actually set b = a, so a problem with "
                            "a < b becomes a − a = 0. \"As the book\" keeps this to reproduce "
                            "the book."},
    "reset": {"zh": "恢复书中设置", "en": "Back to the book's settings"},
    "reset_help": {"zh": "seed 0、8 位、16 个隐藏节点、alpha 0.9、10,000 次迭代",
                   "en": "seed 0, 8 bits, 16 hidden units, alpha 0.9, 10,000 iterations"},
    # notices about the link
    "notice_range": {"zh": "链接里的 {name}={value} 无效(应在 {low} 到 {high} 之间),已改用默认值 {default}。",
                     "en": "The link's {name}={value} is not valid (it must be from {low} to "
                           "{high}); the default {default} is used instead."},
    "notice_choice": {"zh": "链接里的 {name}={value} 无效(可选:{choices}),已改用默认值。",
                      "en": "The link's {name}={value} is not valid (choose from {choices}); the "
                            "default is used instead."},
    "notice_repeated": {"zh": "链接里 {name} 出现了不止一次({value}),已改用默认值。",
                        "en": "The link gives {name} more than once ({value}); the default is "
                              "used instead."},
    "notice_dismiss": {"zh": "知道了", "en": "OK"},
    # training
    "training_progress": {"zh": "正在训练:{done:,} / {total:,} 次迭代",
                          "en": "Training: {done:,} / {total:,} iterations"},
    "evaluating": {"zh": "正在检验每个训练阶段的准确率……", "en": "Scoring the net along the way…"},
    "waiting_other_session": {"zh": "另一位访客正在训练同样的设置,马上就好……",
                              "en": "Another visitor is training these very settings; it is "
                                    "almost ready…"},
    "train_title": {"zh": "RNN 学习退位减法", "en": "An RNN learns subtraction with borrow"},
    "train_intro": {
        "zh": "一个只有 2 个输入、{hidden} 个隐藏神经元、1 个输出的循环神经网络,从最低位开始逐位读入 a 和 b,"
              "每一步输出差的一位。能不能算对,全靠隐藏状态把“借位”带到下一位。左边的设置一变,它就重新训练。",
        "en": "A recurrent network with 2 inputs, {hidden} hidden neurons and 1 output reads a and b "
              "one bit at a time, lowest bit first, and writes one bit of the difference per "
              "step. Getting it right depends on the hidden state carrying the borrow to the next "
              "bit. Change a setting on the left and it trains again."},
    "train_reading": {
        "zh": "**怎么看:** 左图是每道练习题的误差(灰带是原始值的范围,蓝线是滑动平均),右图是网络在全部题目上"
              "完全算对的比例。误差降到接近 0、准确率升到 100% 时,网络就学会了借位。现在的准确率:**{accuracy}**。",
        "en": "**How to read it:** left, the error on each practice problem (grey band: raw range, "
              "blue line: moving average); right, the share of all problems the net gets exactly "
              "right. When the error drops near 0 and accuracy climbs to 100 %, the net has "
              "learned to borrow. Accuracy now: **{accuracy}**."},
    "metric_accuracy": {"zh": "最终准确率", "en": "Final accuracy"},
    "metric_accuracy_help": {"zh": "在{kind}上完全算对的比例({pairs:,} 道 {bits} 位题目,a ≥ b)。",
                             "en": "Share answered exactly right on {kind} ({pairs:,} problems "
                                   "of {bits} bits, a ≥ b)."},
    "all_pairs": {"zh": "全部题目", "en": "all problems"},
    "random_pairs": {"zh": "随机题目", "en": "random problems"},
    "metric_first_perfect": {"zh": "首次 100% 的迭代", "en": "First 100 % at iteration"},
    "never": {"zh": "未达到", "en": "not reached"},
    "metric_time": {"zh": "训练用时", "en": "Training time"},
    "metric_speed": {"zh": "每秒迭代次数", "en": "Iterations per second"},
    "chart_error_title": {"zh": "每次迭代的总误差 overallError", "en": "Error per iteration "
                                                                   "(overallError)"},
    "chart_accuracy_title": {"zh": "训练过程中的准确率", "en": "Accuracy during training"},
    "first_perfect_label": {"zh": "第 {iteration:,} 次起 100%", "en": "100 % from {iteration:,}"},
    "axis_iteration": {"zh": "迭代次数", "en": "iteration"},
    "axis_error": {"zh": "总误差", "en": "error"},
    "axis_accuracy": {"zh": "完全算对的比例", "en": "exactly right"},
    "tooltip_low": {"zh": "最小", "en": "lowest"},
    "tooltip_high": {"zh": "最大", "en": "highest"},
    "tooltip_average": {"zh": "滑动平均", "en": "moving average"},
    "log_title": {"zh": "书中样式的输出", "en": "The book's printout"},
    "log_caption": {"zh": "和书中程序一样,每 800 次迭代记录一次当时那道练习题:总误差、预测(Pred)、正确答案(True)。",
                    "en": "As the book's program does, every 800 iterations: that iteration's "
                          "problem, its error, the prediction (Pred) and the true answer (True)."},
    "col_iteration": {"zh": "迭代", "en": "iteration"},
    "col_error": {"zh": "总误差", "en": "error"},
    "col_problem": {"zh": "a − b = 网络的答案", "en": "a − b = net's answer"},
    "col_right": {"zh": "对吗", "en": "right?"},
    # calculator
    "calc_title": {"zh": "减法计算器", "en": "Subtraction calculator"},
    "calc_intro": {"zh": "选两个数,看训练好的网络逐位算出 a − b。它只在 {bits} 位的题目上训练过。",
                   "en": "Pick two numbers and watch the trained net work out a − b bit by bit. "
                         "It was trained on {bits}-bit problems only."},
    "calc_wide": {"zh": "用更长的数试试(最多 64 位)", "en": "Try longer numbers (up to 64 bits)"},
    "calc_wide_help": {"zh": "网络每一步做的事都一样,所以它能处理比训练时更长的数。",
                       "en": "The net does the same thing at every step, so it can handle "
                             "numbers longer than those it was trained on."},
    "calc_width": {"zh": "位数", "en": "Width in bits"},
    "calc_a": {"zh": "被减数 a", "en": "a (minuend)"},
    "calc_b": {"zh": "减数 b", "en": "b (subtrahend)"},
    "calc_not_a_number": {"zh": "“{value}” 不是整数。请输入十进制数(也可以用 0x 或 0b 开头)。",
                          "en": "\"{value}\" is not a whole number. Type a decimal number (0x or "
                                "0b prefixes work too)."},
    "calc_out_of_range": {"zh": "“{value}” 超出了 {width} 位能表示的范围(0 到 {top})。",
                          "en": "\"{value}\" does not fit in {width} bits (0 to {top})."},
    "row_a": {"zh": "a = {value:,}", "en": "a = {value:,}"},
    "row_b": {"zh": "b = {value:,}", "en": "b = {value:,}"},
    "row_true": {"zh": "正确答案", "en": "true bits"},
    "row_net": {"zh": "网络的答案", "en": "net's bits"},
    "axis_bit": {"zh": "第几位", "en": "bit"},
    "axis_probability": {"zh": "输出为 1 的概率", "en": "probability of 1"},
    "axis_truth": {"zh": "正确的位", "en": "true bit"},
    "chart_probability_title": {"zh": "网络对每一位的把握(高于虚线就输出 1)",
                                "en": "How sure the net is of each bit (above the dashed line "
                                      "it writes 1)"},
    "calc_net_answer": {"zh": "网络的答案", "en": "Net's answer"},
    "calc_true_answer": {"zh": "正确答案", "en": "True answer"},
    "calc_wrong_bits": {"zh": "算错的位数", "en": "Wrong bits"},
    "calc_right": {"zh": "完全正确:{a:,} − {b:,} = {value:,}", "en": "Exactly right: {a:,} − "
                                                                   "{b:,} = {value:,}"},
    "calc_wrong": {"zh": "{width} 位中有 {count} 位算错了(红色)。",
                   "en": "{count} of {width} bits are wrong (in red)."},
    "calc_negative": {"zh": "这里 a < b,差是负数({negative:,})。网络照样逐位相减,最高位的借位无处可去,"
                            "所以它给出的是 (a − b) mod 2^{width} = {value:,},也就是负数的 {width} 位补码。",
                      "en": "Here a < b, so the difference is negative ({negative:,}). The net "
                            "still subtracts bit by bit and the last borrow has nowhere to go, so "
                            "it gives (a − b) mod 2^{width} = {value:,}, the {width}-bit two's "
                            "complement of the negative result."},
    "calc_longer": {"zh": "这些数有 {width} 位,比训练时的 {bits} 位更长。",
                    "en": "These numbers have {width} bits, more than the {bits} it trained on."},
    "calc_probabilities": {"zh": "每一位的概率", "en": "Each bit's probability"},
    "calc_random_title": {"zh": "{count} 道随机题", "en": "{count} random problems"},
    "calc_random_button": {"zh": "出 {count} 道随机题", "en": "Draw {count} random problems"},
    "calc_score": {"zh": "完全算对", "en": "Exactly right"},
}


def language():
    """The current language: the picker's value, else the link's, else the browser's, else en."""
    chosen = st.session_state.get("lang")
    if chosen in LANGUAGES:
        return chosen
    linked = st.query_params.get_all("lang")
    if len(linked) == 1 and linked[0] in LANGUAGES:
        return linked[0]
    return browser_language()


def browser_language():
    locale = (st.context.locale or "").lower()
    return "zh" if locale.startswith("zh") else "en"


def t(key, **values):
    text = CATALOGUE[key][language()]
    return text.format(**values) if values else text


def draw_language_picker():
    """The language switch at the top of the sidebar, kept in ?lang= (the browser's language is
    the default, so a shared link without ?lang= opens in each visitor's own language)."""
    from ui.settings import choice  # settings needs t(); imported here to avoid a cycle
    choice(st.sidebar, "语言 / Language", "lang", browser_language(), format_func=LANGUAGES.get,
           horizontal=True)
