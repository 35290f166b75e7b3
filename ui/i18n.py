"""Every string the user sees, in Chinese and English: the one catalogue, and `t()`.

`t(key, **values)` looks the key up in the current language and fills in `values`. The language
is the sidebar's choice (`ui.settings`), else `?lang=` when valid, else the browser's
(`st.context.locale`), else English.

What `t` returns is Markdown the app wrote (`Text`). Any other string put into it is text from
outside (a link's value, a typed number, something read from an uploaded file): `t` shows it as
plain text, an inline code span that Markdown leaves as it is (no links, images, colours, maths
or HTML), on one line and cut to a bounded length. Numbers are formatted by the catalogue.
"""
import contextvars
import re
from contextlib import contextmanager

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
    "notice_range": {"zh": "链接里的 {name}={value} 无效(应为 {low} 到 {high} 之间、步长 {step} 的数),"
                           "已改用默认值 {default}。",
                     "en": "The link's {name}={value} is not valid (it must be a number from "
                           "{low} to {high} in steps of {step}); the default {default} is used "
                           "instead."},
    "notice_choice": {"zh": "链接里的 {name}={value} 无效(可选:{choices}),已改用默认值。",
                      "en": "The link's {name}={value} is not valid (choose from {choices}); the "
                            "default is used instead."},
    "notice_repeated": {"zh": "链接里 {name} 出现了不止一次({value}),已改用默认值。",
                        "en": "The link gives {name} more than once ({value}); the default is "
                              "used instead."},
    "notice_dismiss": {"zh": "知道了", "en": "OK"},
    "notice_link_dropped": {"zh": "这个链接带的参数太多(超过 {limit:,} 个),一个也没有用上:下面是默认设置。",
                            "en": "This link carries too many parameters (more than {limit:,}), so "
                                  "none of them was used: the settings below are the defaults."},
    # training
    "training_progress": {"zh": "正在训练:{done:,} / {total:,} 次迭代",
                          "en": "Training: {done:,} / {total:,} iterations"},
    "queued": {"zh": "服务器正忙,正在排队:你排在第 {place} 位……",
               "en": "The server is busy: waiting in line, number {place}…"},
    "worker_replaced": {"zh": "一个计算进程没有响应,已被替换;你的计算在另一个进程上继续。",
                        "en": "A computing process stopped answering and was replaced; your "
                              "computation went on in another one."},
    "refused_visitor": {"zh": "你已经有 {limit} 项计算在进行(也许在别的标签页里)。请等其中一项完成后再试。",
                        "en": "You already have {limit} computations going (perhaps in other "
                              "tabs). Try again once one of them has finished."},
    "refused_address": {"zh": "来自你所在网络的计算已达到同时 {limit} 项的上限。请稍后再试。",
                        "en": "Computations from your network have reached their limit of "
                              "{limit} at once. Please try again in a moment."},
    "refused_total": {"zh": "服务器同时进行的计算已达到 {limit} 项的上限。请稍后再试。",
                      "en": "The server is already doing its limit of {limit} computations at "
                            "once. Please try again in a moment."},
    "overloaded": {"zh": "服务器太忙,这项计算等得太久了。请稍后再试。",
                   "en": "The server is too busy: this computation waited too long. Please try "
                         "again in a moment."},
    "compute_failed": {"zh": "这项计算没能完成(计算进程接连出错)。请稍后再试。",
                       "en": "This computation could not be finished (its computing processes "
                             "kept failing). Please try again in a moment."},
    "too_big": {"zh": "这次训练太大了:{iterations:,} 次迭代、{hidden} 个隐藏节点、{bits} 位,大约要占用服务器 "
                      "{seconds:.0f} 秒,超过了每次 {limit:.0f} 秒的上限(服务器由所有访客共用)。请减少迭代次数、"
                      "隐藏节点或位数。",
                "en": "This run is too big: {iterations:,} iterations of {hidden} hidden units "
                      "on {bits} bits would take about {seconds:.0f} s of the server's time, "
                      "over the limit of {limit:.0f} s for one run (every visitor shares the "
                      "server). Lower the iterations, the hidden units or the bits."},
    "diverged": {"zh": "训练在第 {iteration:,} 次迭代时发散了:权重变成了无穷大或非数字(NaN)。学习速率 "
                       "{alpha} 太大,请调小。下面的图只画到发散之前。",
                 "en": "Training blew up at iteration {iteration:,}: the weights became infinite "
                       "or not a number (NaN). The learning rate {alpha} is too large; lower it. "
                       "The charts below stop where it blew up."},
    "diverged_short": {"zh": "在第 {iteration:,} 次迭代时发散", "en": "Blew up at iteration "
                                                                  "{iteration:,}"},
    "evaluating": {"zh": "正在检验每个训练阶段的准确率……", "en": "Scoring the net along the way…"},
    "waiting_other_result": {"zh": "另一位访客正在计算同样的内容,马上就好……",
                             "en": "Another visitor is computing this very thing; it is almost "
                                   "ready…"},
    "waiting_other_session": {"zh": "另一位访客正在训练同样的设置,马上就好……",
                              "en": "Another visitor is training these very settings; it is "
                                    "almost ready…"},
    "train_title": {"zh": "RNN 学习退位减法", "en": "An RNN learns subtraction with borrow"},
    "train_intro": {
        "zh": "一个只有 2 个输入、{hidden} 个隐藏神经元、1 个输出的循环神经网络,从最低位开始逐位读入 a 和 b,"
              "每一步输出差的一位。能不能算对,全靠隐藏状态把“借位”带到下一位。在“训练设置”里改一个设置"
              "(手机上点左上角的 » 打开),它就重新训练。",
        "en": "A recurrent network with 2 inputs, {hidden} hidden neurons and 1 output reads a and b "
              "one bit at a time, lowest bit first, and writes one bit of the difference per "
              "step. Getting it right depends on the hidden state carrying the borrow to the next "
              "bit. Change a setting under \"Training settings\" (on a phone, open them with the "
              "» at the top left) and it trains again."},
    "train_reading": {
        "zh": "**怎么看:** 第一张图是每道练习题的误差(灰带是原始值的范围,蓝线是滑动平均),第二张图是网络在全部题目上"
              "完全算对的比例。误差降到接近 0、准确率升到 100% 时,网络就学会了借位。现在的准确率:**{accuracy:.1%}**。",
        "en": "**How to read it:** the first chart is the error on each practice problem (grey "
              "band: raw range, blue line: moving average); the second is the share of all "
              "problems the net gets exactly right. When the error drops near 0 and accuracy "
              "climbs to 100 %, the net has learned to borrow. Accuracy now: "
              "**{accuracy:.1%}**."},
    "chart_error_text": {"zh": "误差曲线:{iterations:,} 次迭代中,最初十分之一的平均误差是 {first:.2f},最后十分之一是 {last:.2f}。",
                         "en": "The error over {iterations:,} iterations: {first:.2f} on average "
                               "over the first tenth, {last:.2f} over the last tenth."},
    "chart_accuracy_text": {"zh": "准确率曲线:从 {first:.1%} 开始,最后是 {last:.1%};{when}",
                            "en": "Accuracy from {first:.1%} at the start to {last:.1%} at the "
                                  "end; {when}"},
    "chart_accuracy_when": {"zh": "从第 {iteration:,} 次迭代起全部算对。",
                            "en": "every problem is right from iteration {iteration:,} on."},
    "chart_accuracy_never": {"zh": "一直没有做到全部算对。",
                             "en": "it never gets every problem right."},
    # what to try when a run did not learn (ui/advice.py): each from the run's own numbers
    "advice_diverged": {"zh": "**可能的原因:** 权重越变越大,最后成了无穷大。学习速率 {alpha} 太大,每一步都冲过了头。试试减半。",
                        "en": "**What probably happened:** the weights grew until they were no "
                              "longer numbers. With a learning rate of {alpha}, every step "
                              "overshoots. Try half of it."},
    "advice_more_iterations": {"zh": "**可能的原因:** 训练停下时它还在进步:最后五分之一里误差从 {before:.2f} 降到 {last:.2f}"
                                     "(降了 {fell:.0%}),现在算对 {accuracy:.1%} 的题目。多给它一些迭代次数。",
                               "en": "**What probably happened:** it was still learning when "
                                     "training stopped: over the last fifth of the run the error "
                                     "fell from {before:.2f} to {last:.2f} ({fell:.0%} less), and "
                                     "it gets {accuracy:.1%} of the problems right. Give it more "
                                     "iterations."},
    "advice_faster": {"zh": "它的学习速率 {alpha} 很小,每一步只把权重改动一点点。大一些的学习速率学得更快。",
                      "en": "Its learning rate, {alpha}, is small: each step changes the weights "
                            "only a little. A larger one learns faster."},
    "advice_more_units": {"zh": "**可能的原因:** 它卡住了:误差一直在 {last:.2f} 左右(每一位都只猜 0.5 的网络误差是 {guess:.1f}),"
                                "只算对 {accuracy:.1%} 的题目。只有 {hidden} 个隐藏神经元,可能没有足够的地方把借位带到下一位。"
                                "试试书里的 16 个。",
                          "en": "**What probably happened:** it is stuck: the error stayed "
                                "around {last:.2f} (a net that answers 0.5 for every bit makes "
                                "{guess:.1f}) and it gets only {accuracy:.1%} of the problems "
                                "right. With {hidden} hidden units there may be too little room "
                                "to carry the borrow to the next bit. Try the book's 16."},
    "advice_slower": {"zh": "**可能的原因:** 它卡住了:误差一直在 {last:.2f} 左右(每一位都只猜 0.5 的网络误差是 {guess:.1f}),"
                            "只算对 {accuracy:.1%} 的题目。学习速率 {alpha} 这么大,每一步都跳过了上一步学到的东西。试试书里的 0.9。",
                      "en": "**What probably happened:** it is stuck: the error stayed around "
                            "{last:.2f} (a net that answers 0.5 for every bit makes {guess:.1f}) "
                            "and it gets only {accuracy:.1%} of the problems right. With a "
                            "learning rate as large as {alpha}, each step jumps past what the "
                            "last one learned. Try the book's 0.9."},
    "advice_other_seed": {"zh": "**可能的原因:** 它卡住了:误差一直在 {last:.2f} 左右,只算对 {accuracy:.1%} 的题目,"
                                "虽然大小和学习速率都很普通。这个起点(随机种子 {seed})可能把它带进了死胡同。换一个种子试试。",
                          "en": "**What probably happened:** it is stuck: the error stayed "
                                "around {last:.2f} and it gets only {accuracy:.1%} of the "
                                "problems right, though its size and learning rate are usual. "
                                "This starting point (seed {seed}) may have led it into a dead "
                                "end. Try another seed."},
    "advice_try": {"zh": "试试:{setting} = {value}", "en": "Try {setting} = {value}"},
    # named starting points (app_pages/train.py)
    "start_title": {"zh": "从这里开始:几个值得一看的设置", "en": "Starting points: settings worth a look"},
    "start_caption": {"zh": "点按钮就换成那组设置;旁边的链接可以分享(比如放进课件),打开后就是那组设置。",
                      "en": "A button switches to those settings; the link beside it can be "
                            "shared (on a slide, say) and opens with them."},
    "start_book": {"zh": "书中的设置", "en": "The book's settings"},
    "start_book_watch": {"zh": "看误差在哪一次迭代附近突然下降,准确率什么时候到 100%。",
                         "en": "Watch where the error suddenly drops, and when accuracy reaches "
                               "100 %."},
    "start_few_units": {"zh": "隐藏节点太少(2 个)", "en": "Too few hidden units (2)"},
    "start_few_units_watch": {"zh": "看它能不能学会:误差会不会降下来?", "en": "Can it learn at all? "
                                                                       "Does the error come down?"},
    "start_too_fast": {"zh": "学习速率太大(4)", "en": "Learning rate too high (4)"},
    "start_too_fast_watch": {"zh": "看误差曲线:会不会稳定下来?", "en": "Watch the error curve: does "
                                                                 "it ever settle?"},
    "start_too_slow": {"zh": "学习速率太小(0.1)", "en": "Learning rate too low (0.1)"},
    "start_too_slow_watch": {"zh": "看 10,000 次迭代够不够它学会。", "en": "Are 10,000 iterations "
                                                                   "enough for it?"},
    "start_short_numbers": {"zh": "只学 4 位的数", "en": "Trained on 4-bit numbers only"},
    "start_short_numbers_watch": {"zh": "然后在计算器里打开“用更长的数试试”,选 64 位:它还算得对吗?",
                                  "en": "Then, in the calculator, turn on \"Try longer "
                                        "numbers\" and pick 64 bits: is it still right?"},
    "start_real_swap": {"zh": "真正交换 a 和 b", "en": "A real swap of a and b"},
    "start_real_swap_watch": {"zh": "书中的代码把 a < b 的题变成了 a − a;真正交换后,它学得快一些还是慢一些?",
                              "en": "The book's code turns a problem with a < b into a − a; "
                                    "with a real swap, does it learn sooner or later?"},
    "start_link": {"zh": "[分享链接]({link})", "en": "[Link to share]({link})"},
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
    # weights in and out
    "download_weights": {"zh": "下载训练好的权重(.npz)", "en": "Download the trained weights (.npz)"},
    "download_help": {"zh": "包含 synapse_0、synapse_h、synapse_1 和训练设置,格式与 python -m rnn --save 相同。",
                      "en": "Holds synapse_0, synapse_h, synapse_1 and the settings, the format "
                            "of python -m rnn --save."},
    "upload_weights": {"zh": "或者上传权重文件(.npz)", "en": "Or upload a weights file (.npz)"},
    "upload_help": {"zh": "用本应用下载的或 python -m rnn --save 保存的文件。",
                    "en": "A file downloaded from this app or saved by python -m rnn --save."},
    "using_upload": {"zh": "正在使用上传的权重({hidden} 个隐藏节点,{bits} 位)。在页面末尾的“高级”里删除文件,"
                           "就回到按训练设置训练的网络。",
                     "en": "Using the uploaded weights ({hidden} hidden units, {bits} bits). "
                           "Remove the file under \"Advanced\" at the end of the page to go "
                           "back to the net trained with the training settings."},
    # a refused weights file: one plain sentence per reason (rnn.weights.REASONS)
    "weights_too_big": {"zh": "这个文件太大了,不可能是这个小网络的权重。",
                        "en": "This file is too big to be the weights of this small net."},
    "weights_unreadable": {"zh": "读不懂这个文件。请上传本应用下载的或 python -m rnn --save 保存的 .npz 文件。",
                           "en": "This file cannot be read. Upload an .npz file downloaded from "
                                 "this app or saved by python -m rnn --save."},
    "weights_missing": {"zh": "这个文件里没有 synapse_0、synapse_h 和 synapse_1 这三个权重矩阵。",
                        "en": "This file does not hold the three weight matrices synapse_0, "
                              "synapse_h and synapse_1."},
    "weights_dtype": {"zh": "这个文件里的权重不是普通的小数。",
                      "en": "The weights in this file are not plain decimal numbers."},
    "weights_not_finite": {"zh": "这个文件里的权重含有无穷大或“非数字”(NaN),网络没法用。",
                           "en": "The weights in this file hold infinite or not-a-number values, "
                                 "which no net can use."},
    "weights_shape": {"zh": "这个文件里矩阵的大小对不上:应为 2 × H、H × H 和 H × 1,H 最多 256。",
                      "en": "The matrices in this file have the wrong sizes: they must be 2 × H, "
                            "H × H and H × 1, with H at most 256."},
    "diverged_page": {"zh": "这组设置训练发散了,网络没有可用的权重。请到“训练”页看看,或调小学习速率。",
                      "en": "Training with these settings blew up, so the net has no usable "
                            "weights. See the Training page, or lower the learning rate."},
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
    "calc_not_a_number": {"zh": "{value} 不是整数。请输入十进制数(也可以用 0x 或 0b 开头)。",
                          "en": "{value} is not a whole number. Type a decimal number (0x or "
                                "0b prefixes work too)."},
    "calc_out_of_range": {"zh": "{value} 超出了 {width} 位能表示的范围(0 到 {top:,})。",
                          "en": "{value} does not fit in {width} bits (0 to {top:,})."},
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
    "calc_wrong": {"zh": "{width} 位中有 {count} 位算错了(标着 ✗)。",
                   "en": "{count} of {width} bits are wrong (marked ✗)."},
    "row_wrapped": {"zh": "绕回后的答案", "en": "wrapped answer"},
    "calc_bits_text": {"zh": "上图逐位列出 a、b、正确答案和网络的答案,共 {width} 位,最低位在最右边;网络答错了 {wrong} 位"
                             "(错的位标着 ✗)。",
                       "en": "The grid lists the {width} bits of a, b, the right answer and the "
                             "net's answer, lowest bit on the right; the net has {wrong} wrong "
                             "(each wrong one marked ✗)."},
    "calc_below_zero": {"zh": "{a:,} − {b:,} 小于零,正确答案是 {negative:,}。可这个网络只有 {width} 位,没有负号:"
                              "它像里程表倒转过 0 一样“绕回去”,写下 2^{width} − {b:,} + {a:,} = {wrapped:,}。{verdict}",
                        "en": "{a:,} − {b:,} is below zero: the true answer is {negative:,}. A "
                              "{width}-bit net has no minus sign: like a milometer running "
                              "backwards past 0, it wraps around and writes 2^{width} − {b:,} + "
                              "{a:,} = {wrapped:,}. {verdict}"},
    "calc_wrapped_same": {"zh": "网络的每一位都和这个绕回后的答案一样。",
                          "en": "Every bit the net wrote matches that wrapped answer."},
    "calc_wrapped_wrong": {"zh": "网络有 {count} 位和这个绕回后的答案不一样。",
                           "en": "{count} of the bits the net wrote differ from that wrapped "
                                 "answer."},
    "calc_twos_complement": {"zh": "(计算机里把这样绕回后的位叫作 {negative:,} 的 {width} 位“补码”。)",
                             "en": "(Computers call these wrapped bits the {width}-bit two's "
                                   "complement of {negative:,}.)"},
    "calc_range": {"zh": "a 和 b 可以是 0 到 {top:,} 之间的整数({width} 位)。输入后按回车键。",
                   "en": "a and b are whole numbers from 0 to {top:,} ({width} bits). Press "
                         "Enter after typing."},
    "calc_probability_text": {"zh": "柱子是网络认为每一位是 1 的把握;{width} 位中有 {sure} 位它很有把握(高于 90% 或低于 10%)。",
                              "en": "Each bar is how sure the net is that the bit is 1; it is "
                                    "sure (above 90 % or below 10 %) of {sure} of the {width} "
                                    "bits."},
    "upload_title": {"zh": "高级:用你自己的权重文件", "en": "Advanced: use your own weights file"},
    "calc_longer": {"zh": "这些数有 {width} 位,比训练时的 {bits} 位更长。",
                    "en": "These numbers have {width} bits, more than the {bits} it trained on."},
    "calc_probabilities": {"zh": "每一位的概率", "en": "Each bit's probability"},
    "calc_random_title": {"zh": "{count} 道随机题", "en": "{count} random problems"},
    "calc_random_button": {"zh": "出 {count} 道随机题", "en": "Draw {count} random problems"},
    "calc_score": {"zh": "完全算对", "en": "Exactly right"},
    # backprop page
    "page_backprop": {"zh": "观察反向传播", "en": "Backpropagation"},
    "bp_title": {"zh": "观察反向传播", "en": "Watch back-propagation through time"},
    "bp_intro": {
        "zh": "书中这个例子的目的就是“观察其反向传播过程”。选一道题和训练中的某个时刻,下面逐步展示网络怎样正向算出答案(正向传播),"
              "又怎样把误差从最后一位一步步传回第一位(反向传播),最后怎样据此调整三个权重矩阵。所有数值都来自网络的参考实现(rnn.model);训练用的是同样算术的快速写法,两者只差舍入误差。",
        "en": "The book's example exists to let you observe back-propagation. Pick a problem and a "
              "moment in training: below, step by step, the net computes its answer (the forward "
              "pass), sends the error back from the last bit to the first (the backward pass), "
              "and turns that into changes of its three weight matrices. Every number comes from "
              "the network's readable reference code (rnn.model); training runs a faster "
              "arrangement of the same arithmetic, which agrees with it to rounding."},
    "bp_random": {"zh": "随机换一道题", "en": "Random problem"},
    "bp_snapshot": {"zh": "训练到第几次迭代时的网络", "en": "The net as it was after iteration"},
    "bp_snapshot_help": {"zh": "0 是训练前的随机权重,最右边是训练结束时的权重。",
                         "en": "0 is the random start; the far right is the end of training."},
    "bp_problem": {"zh": "题目 {a} − {b} = {value}(第 {iteration:,} 次迭代时的网络;总误差 {error:.4f})",
                   "en": "Problem {a} − {b} = {value} (the net after iteration {iteration:,}; "
                         "error {error:.4f})"},
    "bp_forward": {"zh": "1. 正向传播(从最低位开始)", "en": "1. Forward pass (lowest bit first)"},
    "bp_forward_text": {
        "zh": "每一步 t 读入 a 和 b 的第 t 位,与上一步的隐藏状态一起算出新的隐藏状态 "
              "`layer_1 = sigmoid(X·synapse_0 + 上一步 layer_1·synapse_h)`,再算出这一位的输出 "
              "`layer_2 = sigmoid(layer_1·synapse_1)`。借位要靠隐藏状态记住。",
        "en": "At each step t the net reads bit t of a and b and, with the previous hidden state, "
              "computes the new one, `layer_1 = sigmoid(X·synapse_0 + previous layer_1·synapse_h)`, "
              "then this bit's output `layer_2 = sigmoid(layer_1·synapse_1)`. The hidden state is "
              "the only place the borrow can be remembered."},
    "bp_step_forward": {"zh": "正向:第 t 步", "en": "Forward: step t"},
    "bp_row_borrow": {"zh": "真实借位", "en": "true borrow"},
    "bp_row_target": {"zh": "正确的位 y", "en": "true bit y"},
    "bp_row_prediction": {"zh": "预测的位", "en": "predicted bit"},
    "bp_table_title": {"zh": "每一步的输入、借位和输出", "en": "Inputs, borrow and output per step"},
    "bp_forward_step": {
        "zh": "第 {t} 步:读入 a={a}、b={b};输出 layer_2 = {out:.3f}(正确的位是 {target});按算术,这一步之后借位是 {borrow}。",
        "en": "Step {t}: reads a={a}, b={b}; outputs layer_2 = {out:.3f} (the true bit is "
              "{target}); by plain arithmetic the borrow after this step is {borrow}."},
    "bp_hidden_title": {"zh": "隐藏状态 layer_1(每列一步)", "en": "Hidden state layer_1 (one "
                                                            "column per step)"},
    "axis_unit": {"zh": "隐藏神经元", "en": "hidden unit"},
    "axis_state": {"zh": "状态", "en": "state"},
    "axis_step": {"zh": "第几步 t", "en": "step t"},
    "chart_output_title": {"zh": "输出 layer_2(柱)和正确的位(黑线)",
                           "en": "Output layer_2 (bars) and the true bit (black tick)"},
    "bp_backward": {"zh": "2. 反向传播(从最高位往回)", "en": "2. Backward pass (from the last "
                                                           "step back)"},
    "bp_backward_text": {
        "zh": "每一位的输出误差先变成 `layer_2_delta = (y − layer_2)·layer_2·(1 − layer_2)`。再从最后一步往回,"
              "每一步的隐藏层误差 `layer_1_delta` 由两部分相加:后一步的 layer_1_delta 经 synapse_h 传回来的,"
              "和这一步的 layer_2_delta 经 synapse_1 传回来的;再乘以 sigmoid 的斜率 `layer_1·(1 − layer_1)`。",
        "en": "Each bit's output error first becomes `layer_2_delta = (y − layer_2)·layer_2·"
              "(1 − layer_2)`. Then, from the last step back, each step's hidden delta "
              "`layer_1_delta` adds two parts: the next step's layer_1_delta sent back through "
              "synapse_h, and this step's layer_2_delta sent back through synapse_1; the sum is "
              "multiplied by the sigmoid's slope `layer_1·(1 − layer_1)`."},
    "bp_step_backward": {"zh": "反向:第 t 步(从右往左就是时间倒流)",
                         "en": "Backward: step t (moving right goes back in time)"},
    "bp_output_delta_title": {"zh": "每一步的输出误差 layer_2_delta",
                              "en": "Output delta per step (layer_2_delta)"},
    "bp_norm_title": {"zh": "每一步隐藏层误差的大小 ‖layer_1_delta‖",
                      "en": "Size of the hidden delta per step (‖layer_1_delta‖)"},
    "axis_norm": {"zh": "大小(范数)", "en": "size (norm)"},
    "bp_hidden_delta_title": {"zh": "隐藏层误差 layer_1_delta(每列一步)",
                              "en": "Hidden delta layer_1_delta (one column per step)"},
    "bp_parts_text": {"zh": "第 {t} 步的 layer_1_delta 是怎么来的:", "en": "What step {t}'s "
                                                                         "layer_1_delta is made of:"},
    "bp_parts_title": {"zh": "第 {t} 步:两部分相加", "en": "Step {t}: two parts added"},
    "bp_slope_title": {"zh": "乘以 sigmoid 的斜率(最大 0.25)", "en": "times the sigmoid's slope "
                                                                 "(at most 0.25)"},
    "bp_delta_title": {"zh": "得到第 {t} 步的 layer_1_delta", "en": "gives step {t}'s "
                                                                "layer_1_delta"},
    "bp_synapse_1_title": {"zh": "synapse_1_update(H × 1,横着画)",
                           "en": "synapse_1_update (H × 1, drawn across)"},
    "bp_part_future": {"zh": "后一步误差·synapse_hᵀ", "en": "next delta · synapse_hᵀ"},
    "bp_part_output": {"zh": "layer_2_delta·synapse_1ᵀ", "en": "layer_2_delta · synapse_1ᵀ"},
    "bp_part_sum": {"zh": "两者之和", "en": "their sum"},
    "bp_part_slope": {"zh": "斜率 layer_1·(1−layer_1)", "en": "slope layer_1·(1−layer_1)"},
    "bp_norm_caption": {"zh": "第 0 步的误差大小 {first:.3g},最后一步 {last:.3g},相差 {ratio:.3g} 倍。"
                              "误差每往回传一步都要乘以 synapse_h 和斜率(不大于 0.25),所以常常越传越小:这就是“梯度消失”。",
                        "en": "The hidden delta's size is {first:.3g} at step 0 and {last:.3g} at "
                              "the last step, a factor of {ratio:.3g}. Each step back multiplies "
                              "it by synapse_h and by a slope of at most 0.25, so it often shrinks "
                              "on its way back: the vanishing gradient."},
    "bp_updates": {"zh": "3. 权重更新", "en": "3. Weight updates"},
    "bp_updates_text": {"zh": "把每一步的贡献加起来就是三个权重矩阵的更新量(书中的 synapse_*_update),"
                              "训练时乘以学习速率 alpha = {alpha} 后加到权重上。橙色表示这个权重会变大,蓝色表示变小。",
                        "en": "Adding up every step's share gives the updates of the three weight "
                              "matrices (the book's synapse_*_update); training adds them times "
                              "the learning rate alpha = {alpha}. Orange: this weight will grow; "
                              "blue: it will shrink."},
    "axis_from_unit": {"zh": "来自神经元(上一步)", "en": "from unit (previous step)"},
    "axis_to_unit": {"zh": "到神经元", "en": "to unit"},
    "bp_error_before": {"zh": "这道题的误差(更新前)", "en": "This problem's error (before)"},
    "bp_error_after": {"zh": "更新一次后(alpha = {alpha})", "en": "After one step (alpha = "
                                                                  "{alpha})"},
    "bp_loss_change": {"zh": "平方误差的变化", "en": "Change of the squared error"},
    "bp_gradcheck": {"zh": "4. 梯度检验", "en": "4. Gradient check"},
    "bp_gradcheck_pass": {"zh": "通过:数值梯度与反向传播的梯度相对误差为 {error:.2e}(小于 1e-7)。",
                          "en": "Passed: the numerical and back-propagated gradients differ by a "
                                "relative {error:.2e} (below 1e-7)."},
    "bp_gradcheck_fail": {"zh": "未通过:相对误差 {error:.2e},不小于 1e-7。",
                          "en": "Failed: relative error {error:.2e}, not below 1e-7."},
    "bp_gradcheck_all": {"zh": "把全部 {weights:,} 个权重逐个加减一点点,看平方误差怎样变化,得到“数值梯度”;"
                               "它和反向传播算出的梯度一致,说明反向传播算对了。",
                         "en": "Nudging each of the {weights:,} weights up and down a little and "
                               "watching the squared error gives a numerical gradient; when it "
                               "matches the back-propagated one, back-propagation is right."},
    "bp_gradcheck_sample": {"zh": "这个网络有 {weights:,} 个权重,逐个检验太费时间,所以随机抽了 {checked:,} 个,"
                                  "把每个加减一点点,看平方误差怎样变化,得到“数值梯度”,再和反向传播算出的梯度比较。",
                            "en": "This net has {weights:,} weights, too many to check one by one "
                                  "here, so {checked:,} of them chosen at random were nudged up "
                                  "and down a little; the change of the squared error gives a "
                                  "numerical gradient to hold against the back-propagated one."},
    "bp_gradcheck_progress": {"zh": "梯度检验:{done:,} / {total:,} 个权重",
                              "en": "Gradient check: {done:,} / {total:,} weights"},
    # insight page
    "page_insight": {"zh": "学会了吗?", "en": "Did it learn?"},
    "in_title": {"zh": "它真的学会借位了吗?", "en": "Did the net really learn to borrow?"},
    "in_intro": {"zh": "准确率 100% 只是一个数字。这一页让你亲眼看到:网络是在每一道题上都对,还是只会一部分;"
                       "它能不能算比训练时长得多的数;它的哪个神经元记住了借位;换个随机种子、隐藏层大小或学习速率,结果会怎样。",
                 "en": "100 % accuracy is just a number. This page lets you see for yourself "
                       "whether the net is right on every problem or only on some; whether it "
                       "handles numbers far longer than it trained on; which of its neurons "
                       "remembers the borrow; and what happens with other seeds, sizes and "
                       "learning rates."},
    "in_map": {"zh": "1. 每一道题的对错", "en": "1. Right or wrong, problem by problem"},
    "map_right": {"zh": "算对", "en": "right"},
    "map_wrong": {"zh": "算错", "en": "wrong"},
    "map_below": {"zh": "a < b(不在训练范围内)", "en": "a < b (not trained on)"},
    "chart_map_title": {"zh": "全部 {bits} 位题目:a(纵轴)− b(横轴)", "en": "Every {bits}-bit "
                                                                        "problem: a (down) − b "
                                                                        "(across)"},
    "chart_sample_map_title": {"zh": "{count:,} 道随机的 {bits} 位题目", "en": "{count:,} random "
                                                                        "{bits}-bit problems"},
    "in_wrong_pairs": {"zh": "算错的题目(a ≥ b)", "en": "Wrong problems (a ≥ b)"},
    "in_wrong_sample": {"zh": "随机题目中算错的", "en": "Wrong among the random problems"},
    "in_hardest": {"zh": "最难的错题(连续借位最长的):", "en": "The hardest wrong problems "
                                                        "(longest chains of borrows):"},
    "in_chain": {"zh": "最长连续借位", "en": "longest borrow chain"},
    "in_all_right": {"zh": "全部 {pairs:,} 道题都完全算对。", "en": "All {pairs:,} problems are "
                                                              "exactly right."},
    "in_per_bit_title": {"zh": "每一位算对的比例", "en": "Share right, bit by bit"},
    "in_length": {"zh": "2. 更长的数", "en": "2. Longer numbers"},
    "in_length_title": {"zh": "在 {bits} 位上训练,在更长的随机数上检验", "en": "Trained on {bits} "
                                                                       "bits, tested on longer "
                                                                       "random numbers"},
    "in_width": {"zh": "位数", "en": "bits"},
    # the sentence under the longer-numbers chart follows its numbers (app_pages/insight.py)
    "in_length_not_yet": {"zh": "在 {first} 位的数上它算对 {first_share:.0%},在 {last} 位的数上只算对 {last_share:.0%}。"
                                "它还没学会一个每一位都能重复的步骤:数越长,出错的机会越多。",
                          "en": "It gets {first_share:.0%} right on {first}-bit numbers but only "
                                "{last_share:.0%} on {last}-bit ones. It has not yet learned one "
                                "step it can repeat at every bit: the longer the number, the more "
                                "chances to go wrong."},
    "in_length_why": {"zh": "为什么能行:循环网络在每一位上用的是同一组权重,做的是同一件事(这一位相减,再加上借位)。"
                            "学会了这一步,数再长也只是多走几步。",
                      "en": "Why this works: a recurrent net uses the same weights at every bit "
                            "and does the same thing there (subtract this bit, take the borrow "
                            "into account). Once it has learned that one step, a longer number "
                            "is only more steps."},
    "in_neuron": {"zh": "3. 借位神经元", "en": "3. The borrow neuron"},
    "in_correlation_title": {"zh": "每个隐藏神经元与真实借位的相关系数",
                             "en": "Each hidden unit's correlation with the true borrow"},
    "in_correlation": {"zh": "相关系数", "en": "correlation"},
    "neuron_activation": {"zh": "神经元 {unit} 的激活值", "en": "unit {unit}'s activation"},
    "axis_zero_one": {"zh": "0 到 1", "en": "0 to 1"},
    "neuron_borrow": {"zh": "真实借位", "en": "true borrow"},
    "chart_neuron_title": {"zh": "相关性最强的神经元,逐位看", "en": "The most correlated unit, "
                                                               "step by step"},
    "in_neuron_text": {"zh": "在全部题目和每一步上,神经元 {unit} 与真实借位的相关系数是 {r:.2f}"
                             "(1 表示有借位时它正好高、没有时正好低,−1 正好相反,0 表示毫无关系):{verdict}"
                             "可以在上面的两个框里换一道题看看。",
                       "en": "Over every problem and every step, unit {unit} correlates {r:.2f} "
                             "with the true borrow (1: it is high exactly when there is a borrow "
                             "and low when there is none; −1: the other way round; 0: no "
                             "relation): {verdict} Try another problem in the two boxes above."},
    # the verdict on the best unit's correlation r: |r| >= 0.9, >= 0.5, below
    "in_neuron_flag": {"zh": "它几乎就是一个“借位标志”。", "en": "it is almost a borrow flag."},
    "in_neuron_flag_inverted": {"zh": "它几乎就是一个反过来的“借位标志”(有借位时低,没有时高)。",
                                "en": "it is almost a borrow flag, upside down (low when there "
                                      "is a borrow, high when there is none)."},
    "in_neuron_partial": {"zh": "它只部分地跟着借位走:借位分散在几个神经元里,或者还没学好。",
                          "en": "it follows the borrow only in part: the borrow is spread over "
                                "several units, or not learned yet."},
    "in_neuron_none": {"zh": "没有哪个神经元明显跟着借位走:这个网络还没学会记住借位。",
                       "en": "no unit clearly follows the borrow: this net has not learned to "
                             "keep it."},
    "in_ablation_title": {"zh": "逐个关掉一个神经元后的准确率(虚线:不关时)",
                          "en": "Accuracy with one unit silenced at a time (dashed: none "
                                "silenced)"},
    "in_ablation_text": {"zh": "关掉神经元 {unit} 时准确率掉到 {accuracy:.1%}(不关时 {full:.1%})。"
                               "关掉后准确率几乎不变的神经元,对这个任务可有可无。",
                         "en": "Silencing unit {unit} drops accuracy to {accuracy:.1%} (from "
                               "{full:.1%}). Units whose silencing changes nothing are not needed "
                               "for this task."},
    "in_ablation_none": {"zh": "逐个关掉任何一个神经元,准确率都不低于不关时的 {full:.1%}:没有哪个神经元独自承担借位"
                               "(或者网络还没学会借位)。",
                         "en": "Silencing any one unit leaves accuracy at {full:.1%} or above: no "
                               "single unit carries the borrow alone (or the net has not learned "
                               "it yet)."},
    "chart_map_text": {"zh": "对错图:a ≥ b 的 {pairs:,} 道题中算错 {wrong:,} 道(橙色、黑框);a < b 的部分是灰色。",
                       "en": "Right or wrong for each of the {pairs:,} problems with a ≥ b: "
                             "{wrong:,} wrong (orange, outlined); a < b is grey."},
    "chart_sample_map_text": {"zh": "{count:,} 道随机题中算错 {wrong:,} 道。",
                              "en": "{wrong:,} of {count:,} random problems wrong."},
    "chart_per_bit_text": {"zh": "每一位算对的比例:最差的是第 {bit} 位,{share:.1%}。",
                           "en": "Share right, bit by bit: the lowest is bit {bit}, "
                                 "{share:.1%}."},
    "chart_length_text": {"zh": "在 {first} 位的随机数上算对 {first_share:.0%},在 {last} 位上 {last_share:.0%}。",
                          "en": "{first_share:.0%} right on random {first}-bit numbers, "
                                "{last_share:.0%} on {last}-bit ones."},
    "chart_correlation_text": {"zh": "{count} 个隐藏神经元中,神经元 {unit} 与借位关系最密切,相关系数 {r:.2f}。",
                               "en": "Of {count} hidden units, unit {unit} follows the borrow "
                                     "most closely: correlation {r:.2f}."},
    "chart_neuron_text": {"zh": "神经元 {unit} 在 {a:,} − {b:,} 的每一步的激活值(蓝线),画在真实借位(浅橙色的柱)上面。",
                          "en": "Unit {unit}'s activation at each step of {a:,} − {b:,} (blue "
                                "line) over the true borrow (light orange bars)."},
    "chart_sweep_text": {"zh": "{count} 个网络中有 {reached} 个全部算对。",
                         "en": "{reached} of {count} nets got every problem right."},
    "in_time": {"zh": "4. 什么时候学会的", "en": "4. When it learned"},
    "in_time_text": {"zh": "从第 {iteration:,} 次迭代起,网络第一次把全部题目都算对。",
                     "en": "From iteration {iteration:,} on, the net first gets every problem "
                           "right."},
    "in_time_never": {"zh": "在这些设置下,网络在训练结束前没有做到全部算对。",
                      "en": "With these settings the net never gets every problem right before "
                            "training ends."},
    "in_sweeps": {"zh": "5. 换种子、换大小、换学习速率", "en": "5. Other seeds, sizes and learning "
                                                              "rates"},
    "in_sweeps_text": {"zh": "一次训练很多个网络(并排计算,每个网络仍是自己的随机数、逐个样本更新,和单独训练完全一样),"
                             "每个训练 {iterations:,} 次迭代、{bits} 位,看看各自第几次迭代起全部算对。",
                       "en": "Many nets trained at once (side by side, each still on its own "
                             "random stream, one sample at a time, exactly as if trained alone), "
                             "each for {iterations:,} iterations on {bits} bits: when does each "
                             "first get every problem right?"},
    "in_sweep_seeds": {"zh": "{count} 个随机种子", "en": "{count} seeds"},
    "in_sweep_hidden": {"zh": "隐藏层大小", "en": "Hidden sizes"},
    "in_sweep_alpha": {"zh": "学习速率", "en": "Learning rates"},
    "in_sweep_run": {"zh": "训练这 {count} 个网络", "en": "Train these {count} nets"},
    "in_sweep_hint": {"zh": "大约需要 {seconds} 秒。结果会保存下来,其他访客也能直接看到。",
                      "en": "Takes about {seconds} s. The result is kept, for other visitors too."},
    "in_sweep_too_big": {"zh": "在这些设置下,训练这 {count} 个网络大约要占用服务器 {seconds:.0f} 秒,超过了每次 "
                               "{limit:.0f} 秒的上限。请在侧栏减少迭代次数、隐藏节点或位数。",
                         "en": "With these settings, training these {count} nets would take about "
                               "{seconds:.0f} s of the server's time, over the limit of "
                               "{limit:.0f} s. Lower the iterations, the hidden units or the bits "
                               "in the settings."},
    "sweep_progress": {"zh": "正在并排训练 {count} 个网络:{done:,} / {total:,} 次迭代",
                       "en": "Training {count} nets side by side: {done:,} / {total:,} "
                             "iterations"},
    "in_sweep_share": {"zh": "全部算对的网络", "en": "Nets that got everything right"},
    "in_sweep_median": {"zh": "中位数:第几次迭代", "en": "Median iteration"},
    "in_sweep_time": {"zh": "用时", "en": "Time taken"},
    "in_sweep_time_earlier": {"zh": "之前已算好,当时用时", "en": "Computed earlier, in"},
    "in_sweep_chart": {"zh": "第几次迭代起全部算对(每 {every:,} 次检查一次;没做到的画满格)",
                       "en": "First iteration with every problem right (checked every {every:,} "
                             "iterations; full bar: never)"},
    # backprop page, the view for newcomers (issue 13): the written subtraction with one cell per
    # column, the reach of the last bit's error, the time-lapse, predict-then-see
    "bs_intro": {
        "zh": "书中这个例子就是为了让你“观察其反向传播过程”。下面,网络像你在纸上列竖式一样做一道减法:从最右边的一位开始,"
              "一位一位地算,把它记住的东西(隐藏状态)像借位一样传给下一位。然后误差沿相反的方向传回来:你会看到每一位分到多少误差、"
              "权重怎样改变。所有数字都来自按训练设置训练出来的网络。",
        "en": "The book's example exists so that you can watch back-propagation at work. Below, "
              "the net subtracts one problem the way you would on paper: one column at a time "
              "from the right, passing what it remembers (its hidden state) on to the next "
              "column as a borrow is passed. Then the error travels back the other way: you see "
              "how much of it each column is blamed for, and how the weights change. Every "
              "number comes from the net trained with the training settings."},
    "bs_picture_header": {"zh": "1. 看它做减法,再看误差往回传",
                          "en": "1. Watch it subtract, then watch the error travel back"},
    "bs_picture_text": {
        "zh": "按“播放”,或者用“下一步”“上一步”一步步看。先是网络从最低位(右边)算到最高位(左边);回答一个小问题之后,"
              "误差从最高位一步步传回最低位;最后看到训练一步怎样改变权重。",
        "en": "Press Play, or go step by step with Next and Back. First the net works from the "
              "lowest bit, the rightmost, to the highest, the leftmost; after one question, the "
              "error travels back from the highest bit to the lowest; at the end you see how one "
              "step of training changes the weights."},
    "bs_restart": {"zh": "从头开始", "en": "Start again"},
    "bs_back": {"zh": "上一步", "en": "Back"},
    "bs_play": {"zh": "播放", "en": "Play"},
    "bs_pause": {"zh": "暂停", "en": "Pause"},
    "bs_next": {"zh": "下一步", "en": "Next"},
    "bs_where_forward": {"zh": "第 {n} / {total} 步:正向,第 {t} 位",
                         "en": "Step {n} of {total}: forward, bit {t}"},
    "bs_where_question": {"zh": "第 {n} / {total} 步:你来预测", "en": "Step {n} of {total}: your "
                                                                   "prediction"},
    "bs_where_backward": {"zh": "第 {n} / {total} 步:反向,第 {t} 位",
                          "en": "Step {n} of {total}: backward, bit {t}"},
    "bs_where_update": {"zh": "第 {n} / {total} 步:权重更新", "en": "Step {n} of {total}: the "
                                                                "weights change"},
    "bs_picture_alt": {"zh": "竖式 {a} − {b},每一位下面是网络的一个单元。{where}。",
                       "en": "The subtraction {a} − {b} written in columns, with the net's cell "
                             "under each column. {where}."},
    "bs_row_borrow": {"zh": "借位", "en": "borrow"},
    "bs_row_net": {"zh": "网络", "en": "net"},
    "bs_row_sure": {"zh": "把握", "en": "sure"},
    "bs_row_true": {"zh": "正确", "en": "true"},
    "bs_row_blame": {"zh": "误差", "en": "blame"},
    "bs_row_update": {"zh": "更新", "en": "update"},
    "bs_tip_column": {"zh": "第 {t} 位:a = {a},b = {b},欠着的借位 {borrow},正确的位 {target}。",
                      "en": "Bit {t}: a = {a}, b = {b}, borrow pending {borrow}, true bit "
                            "{target}."},
    "bs_tip_net": {"zh": "网络输出 {out:.3f},所以写 {bit} {mark}。",
                   "en": "The net's output is {out:.3f}, so it writes {bit} {mark}."},
    "bs_tip_blame": {"zh": "分到全部误差的 {share:.1%},其中 {own:.0%} 来自这一位自己的输出。",
                     "en": "Share of the blame {share:.1%}, {own:.0%} of the push from its own "
                           "bit."},
    "bs_legend_forward": {
        "zh": "每个方框是网络算完这一位后的记忆:一个小方格是一个隐藏神经元,深紫接近 0,黄色接近 1。灰色箭头:读入的两位、"
              "传给下一位的记忆(就像借位)、写出的一位。蓝色 ✓ 表示这一位写对了,橙色 ✗ 表示写错了;再下面是网络有多大把握。",
        "en": "Each box is the net's memory after that bit: one small square per hidden neuron, "
              "dark purple near 0, yellow near 1. Grey arrows: the two bits going in, the "
              "memory passed on to the next bit (as a borrow is), the bit written out. Blue ✓: "
              "a right bit; orange ✗: a wrong one; below it, how sure the net is."},
    "bs_legend_backward": {
        "zh": "深蓝色箭头是往回传的误差(梯度):从每一位的输出往下(这一位自己的误差),从后面的各位往右传来;越粗推得越用力。"
              "最下面的柱子:每一位分到的误差占全部的比例。",
        "en": "Dark blue arrows: the blame (the gradient of the error) flowing back, down from "
              "each answer bit (its own error) and rightwards from the bits after it; thicker "
              "means a stronger push. The bars at the bottom: each bit's share of all the "
              "blame."},
    "bs_legend_update": {
        "zh": "现在箭头代表变化最大的三个权重(输入到记忆、上一位的记忆到这一位的记忆、记忆到输出,各一个):橙色 ↑ 表示这一位把"
              "这个权重往上推,蓝色 ↓ 表示往下推,越粗推得越多。每一位用的都是同一组权重。柱子:每一位占整个更新的比例。",
        "en": "The arrows now stand for the three weights that move most (one from the inputs, "
              "one from the memory of the bit before, one to the output): orange ↑ where this "
              "bit pushes the weight up, blue ↓ where it pushes it down; thicker means a bigger "
              "push. Every bit uses the same weights. The bars: each bit's share of the whole "
              "update."},
    # what happens in a column, by (a, b, borrow pending) in that order
    "bs_col_000": {"zh": "0 − 0,没有欠着的借位:正确的位是 0。",
                   "en": "0 − 0 with no borrow pending: the true bit is 0."},
    "bs_col_100": {"zh": "1 − 0,没有欠着的借位:正确的位是 1。",
                   "en": "1 − 0 with no borrow pending: the true bit is 1."},
    "bs_col_110": {"zh": "1 − 1,没有欠着的借位:正确的位是 0。",
                   "en": "1 − 1 with no borrow pending: the true bit is 0."},
    "bs_col_010": {"zh": "0 − 1 不够减,要向高位借 1:正确的位是 1,借位传给下一位。",
                   "en": "0 − 1 cannot be done without borrowing: the true bit is 1, and a "
                         "borrow goes to the next bit."},
    "bs_col_001": {"zh": "两位都是 0,但欠着一个借位:正确的位是 1,借位继续传给下一位。",
                   "en": "Both bits are 0 but a borrow is pending: the true bit is 1, and the "
                         "borrow goes on to the next bit."},
    "bs_col_101": {"zh": "1 − 0,欠着的借位把这个 1 用掉了:正确的位是 0,借位到此还清。",
                   "en": "1 − 0, and the pending borrow takes the 1: the true bit is 0, and the "
                         "borrow is paid off."},
    "bs_col_111": {"zh": "1 − 1,又欠着一个借位:正确的位是 1,借位继续往下传。",
                   "en": "1 − 1 with a borrow pending: the true bit is 1, and the borrow goes "
                         "on."},
    "bs_col_011": {"zh": "0 − 1,又欠着一个借位:正确的位是 0,借位继续往下传。",
                   "en": "0 − 1 with a borrow pending: the true bit is 0, and the borrow goes "
                         "on."},
    # what the net did there: right or wrong, sure (at least 90 %) or not
    "bs_net_right_sure": {"zh": "网络写 {bit},对了 ✓,有 {sure:.1%} 的把握。",
                          "en": "The net writes {bit}, right ✓, and is {sure:.1%} sure."},
    "bs_net_right_unsure": {"zh": "网络写 {bit},对了 ✓,但只有 {sure:.1%} 的把握。",
                            "en": "The net writes {bit}, right ✓, but is only {sure:.1%} "
                                  "sure."},
    "bs_net_wrong_sure": {"zh": "网络写 {bit},错了 ✗,而且有 {sure:.1%} 的把握。",
                          "en": "The net writes {bit}, wrong ✗, and is {sure:.1%} sure of it."},
    "bs_net_wrong_unsure": {"zh": "网络写 {bit},错了 ✗;它只有 {sure:.1%} 的把握。",
                            "en": "The net writes {bit}, wrong ✗; it is only {sure:.1%} sure."},
    "bs_forward_step": {"zh": "第 {t} 位:{column}{net}", "en": "Bit {t}: {column} {net}"},
    "bs_question": {"zh": "在误差往回传之前,先猜一猜:哪一位会分到最多的误差?",
                    "en": "Before the error travels back, a guess: which bit will get the most "
                          "blame?"},
    "bs_question_hint": {"zh": "提示:误差从网络写错或没把握的那些位开始,每一位还会收到后面各位传回来的误差。",
                         "en": "A hint: the blame starts at the answer bits the net got wrong or "
                               "was unsure about, and each bit also receives blame passed back "
                               "from the bits after it."},
    "bs_choice": {"zh": "第 {t} 位", "en": "bit {t}"},
    "bs_question_skip": {"zh": "选一位看看猜得对不对,或者按“下一步”继续。",
                         "en": "Choose a bit to see whether you are right, or press Next to go "
                               "on."},
    "bs_question_right": {"zh": "答对了 ✓:第 {t} 位分到的误差最多,占 {share:.0%}。{why}",
                          "en": "Right ✓: bit {t} gets the most blame, {share:.0%} of it. {why}"},
    "bs_question_wrong": {"zh": "这次没猜中 ✗:分到误差最多的是第 {t} 位({share:.0%});第 {chosen} 位分到 "
                                "{chosen_share:.0%}。{why}",
                          "en": "Not this time ✗: bit {t} gets the most blame ({share:.0%}); bit "
                                "{chosen} gets {chosen_share:.0%}. {why}"},
    "bs_why_own": {"zh": "原因:它的误差大多来自这一位自己的输出:网络输出 {out:.3f},而正确的位是 {y}。",
                   "en": "Why: most of its blame comes from its own bit, where the net's output "
                         "is {out:.3f} and the true bit is {y}."},
    "bs_why_later": {"zh": "原因:它的误差大多是后面各位传回来的;它自己的输出({out:.3f},正确的位是 {y})贡献较少。",
                     "en": "Why: most of its blame is passed back from the bits after it; its "
                           "own output ({out:.3f}, true bit {y}) adds less."},
    "bs_why_both": {"zh": "原因:它自己的输出({out:.3f},正确的位是 {y})和后面各位传回来的误差差不多一样大。",
                    "en": "Why: its own output ({out:.3f}, true bit {y}) and the bits after it "
                          "push about equally."},
    # the blame on a bit in the backward walk: the highest bit, mostly its own, mostly later
    # bits', both, none at all
    "bs_back_last": {"zh": "第 {t} 位是最高位,后面没有别的位,所以它的误差(占全部的 {share:.0%})全部来自自己的输出,"
                           "差了 {off:.3f}。",
                     "en": "Bit {t} is the highest: no bit comes after it, so all its blame "
                           "({share:.0%} of the total) comes from its own bit, off by "
                           "{off:.3f}."},
    "bs_back_own": {"zh": "第 {t} 位分到全部误差的 {share:.0%}:{own:.0%} 来自自己的输出(差了 {off:.3f}),"
                          "{later:.0%} 来自后面各位。",
                    "en": "Bit {t} gets {share:.0%} of all the blame: {own:.0%} of the push "
                          "comes from its own bit (off by {off:.3f}), {later:.0%} from the bits "
                          "after it."},
    "bs_back_later": {"zh": "第 {t} 位分到全部误差的 {share:.0%},大多是后面各位传回来的({later:.0%});"
                            "它自己的输出只差 {off:.3f},贡献 {own:.0%}。",
                      "en": "Bit {t} gets {share:.0%} of all the blame, mostly passed back from "
                            "the bits after it ({later:.0%}); its own bit, off by only "
                            "{off:.3f}, adds {own:.0%}."},
    "bs_back_both": {"zh": "第 {t} 位分到全部误差的 {share:.0%},自己的输出(差了 {off:.3f},占 {own:.0%})"
                           "和后面各位传回来的({later:.0%})差不多。",
                     "en": "Bit {t} gets {share:.0%} of all the blame, about equally from its "
                           "own bit (off by {off:.3f}, {own:.0%}) and from the bits after it "
                           "({later:.0%})."},
    "bs_back_none": {"zh": "第 {t} 位完全没有分到误差:它自己的输出完全正确,后面也没有传回任何误差。",
                     "en": "Bit {t} gets no blame at all: its own output is exactly right and "
                           "nothing comes back from the bits after it."},
    "bs_update_text": {"zh": "训练一步(alpha = {alpha})让每个权重都动一点。每一类里动得最多的:{first};{second};"
                             "{third}。{error}",
                       "en": "One step of training (alpha = {alpha}) moves every weight a "
                             "little. Of each kind, the one that moves most: {first}; {second}; "
                             "{third}. {error}"},
    "bs_move_0": {"zh": "从输入 {source} 到神经元 {unit},{direction}",
                  "en": "from input {source} to neuron {unit}, {direction}"},
    "bs_move_h": {"zh": "从神经元 {source}(上一位的记忆)到神经元 {unit},{direction}",
                  "en": "from neuron {source} (the memory of the bit before) to neuron {unit}, "
                        "{direction}"},
    "bs_move_1": {"zh": "从神经元 {source} 到输出,{direction}",
                  "en": "from neuron {source} to the output, {direction}"},
    "bs_up": {"zh": "增大 ↑ {value:.2g}", "en": "up ↑ by {value:.2g}"},
    "bs_down": {"zh": "减小 ↓ {value:.2g}", "en": "down ↓ by {value:.2g}"},
    "bs_error_lower": {"zh": "这道题的总误差(书中的 overallError)从 {before:.4f} 变为 {after:.4f}。",
                       "en": "This problem's error (the book's overallError) goes from "
                             "{before:.4f} to {after:.4f}."},
    "bs_error_higher": {"zh": "这道题的总误差(书中的 overallError)反而从 {before:.4f} 升到 {after:.4f}:"
                              "这一步对这道题走过了头。",
                        "en": "This problem's error (the book's overallError) goes up, from "
                              "{before:.4f} to {after:.4f}: for this problem the step went too "
                              "far."},
    "bs_hand_header": {"zh": "2. 动手算一个数", "en": "2. Your turn: one number by hand"},
    "bs_hand_text": {
        "zh": "误差从每一位输出的一个数开始:输出层误差(书中的 layer_2_delta)= (y − out) × out × (1 − out),"
              "也就是这一位错了多少,乘以输出还能变动多少。以第 {t} 位为例,正确的位 y = {y}:",
        "en": "The blame starts at each answer bit with one number, the output delta (the "
              "book's layer_2_delta) = (y − out) × out × (1 − out): how wrong the bit is, times "
              "how much the output can still move. Take bit {t}, where the true bit is y = {y}:"},
    "bs_hand_numbers": {"zh": "**y − out = {error:.4g}**,**out = {out:.4g}**,**1 − out = {rest:.4g}**。"
                              "把这三个数乘起来,输入结果(负数要带负号)。",
                        "en": "**y − out = {error:.4g}**, **out = {out:.4g}**, **1 − out = "
                              "{rest:.4g}**. Multiply the three numbers and type the result (with "
                              "a minus sign if it is negative)."},
    "bs_hand_input": {"zh": "(y − out) × out × (1 − out) =", "en": "(y − out) × out × (1 − out) ="},
    "bs_hand_check": {"zh": "检查", "en": "Check"},
    "bs_hand_tolerance": {"zh": "输入后按回车键或“检查”。与精确值相差不到 1% 就算对(上面的数是四舍五入后的)。",
                          "en": "Press Enter or Check after typing. Accepted within 1 % of the "
                                "exact value (the numbers above are rounded)."},
    "bs_hand_right": {"zh": "对了 ✓:{typed} 与精确值 {value:.6g} 相差不到 1%。",
                      "en": "Right ✓: {typed} is within 1 % of the exact {value:.6g}."},
    "bs_hand_sign": {"zh": "不对 ✗:{typed} 的正负号错了。这里 y − out 是{sign},而 out 和 1 − out 都是正数。",
                     "en": "Not quite ✗: {typed} has the wrong sign. Here y − out is {sign}, and "
                           "out and 1 − out are both positive."},
    "bs_negative": {"zh": "负数", "en": "negative"},
    "bs_positive": {"zh": "正数", "en": "positive"},
    "bs_hand_size": {"zh": "不对 ✗:{typed} 与这三个数的乘积相差超过 1%。把 y − out、out、1 − out 都乘起来。",
                     "en": "Not quite ✗: {typed} is more than 1 % away from the product. "
                           "Multiply all three numbers: y − out, out and 1 − out."},
    "bs_hand_not_number": {"zh": "{typed} 不是一个数。请输入带小数点的数,例如 0.0123 或 -0.0123。",
                           "en": "{typed} is not a number. Type it with a decimal point, for "
                                 "example 0.0123 or -0.0123."},
    "bs_hand_answer": {"zh": "看算好的答案", "en": "Show the worked answer"},
    "bs_chain_rule": {
        "zh": "layer_2_delta = (y − out) × out × (1 − out) = {error:.4g} × {out:.4g} × {rest:.4g} = "
              "**{value:.4g}**。这就是链式法则:平方误差 ½ (y − out)² 随输出变化的速率是 −(y − out);"
              "输出 out = sigmoid(z) 随它的输入 z 变化的速率是 out × (1 − out);两者相乘再变号(让加上它会减小误差),"
              "就是 layer_2_delta = −∂L/∂z。",
        "en": "layer_2_delta = (y − out) × out × (1 − out) = {error:.4g} × {out:.4g} × "
              "{rest:.4g} = **{value:.4g}**. This is the chain rule: the squared error "
              "½ (y − out)² changes with the output at the rate −(y − out); the output, "
              "out = sigmoid(z), changes with its input z at the rate out × (1 − out); their "
              "product, with its sign turned so that adding it lowers the error, is "
              "layer_2_delta = −∂L/∂z."},
    "bs_reach_header": {"zh": "3. 最高位的误差能传回多远?", "en": "3. How far back does the error of "
                                                                "the highest bit reach?"},
    "bs_reach_text": {
        "zh": "训练靠的是传到每一位的误差。只看最高位的误差,把它一步步往回传:每往回一步,它都要乘以记忆的权重和 sigmoid "
              "的斜率(不超过 0.25),所以通常越传越弱。下面是在这个网络上实测的,用的是借位一路传到底的题目:",
        "en": "Training learns from the blame that reaches each bit. Take the error of the "
              "highest bit alone and follow it back: at each step back it is multiplied by the "
              "memory's weights and by the sigmoid's slope (at most 0.25), so it usually fades. "
              "Measured on this net, for problems whose borrow runs through every bit:"},
    "bs_reach_choice": {"zh": "题目", "en": "Problem"},
    "bs_reach_option": {"zh": "{bits} 位:{a:,} − 1", "en": "{bits} bits: {a:,} − 1"},
    "bs_reach_title": {"zh": "第 {last} 位的误差到各位时的强度", "en": "Strength of bit {last}'s "
                                                                 "error at each bit"},
    "bs_reach_subtitle": {"zh": "{a:,} − 1,对数刻度", "en": "{a:,} − 1, log scale"},
    "bs_axis_reach": {"zh": "强度(梯度的大小)", "en": "strength (size of the gradient)"},
    "bs_series_start": {"zh": "训练开始时(第 0 次迭代)", "en": "start of training (iteration 0)"},
    "bs_series_end": {"zh": "训练结束时(第 {iteration:,} 次迭代)",
                      "en": "end of training (iteration {iteration:,})"},
    "bs_series_upload": {"zh": "你上传的权重", "en": "your uploaded weights"},
    "bs_reach_alt": {"zh": "{net}:第 {last} 位的误差传到第 0 位时,只剩它在第 {last} 位时强度的 {left:.2g}。",
                     "en": "{net}: the error of bit {last} arrives at bit 0 with {left:.2g} of "
                           "its strength at bit {last}."},
    "bs_reach_alt_none": {"zh": "{net}:第 {last} 位的误差恰好是 0,没有误差往回传。",
                          "en": "{net}: the error of bit {last} is exactly 0, so no error travels "
                                "back."},
    "bs_reach_none": {"zh": "{net}:最高位的误差恰好是 0(输出已经完全确定,或者通向输出的权重都是 0),所以没有误差往回传,也就谈不上减弱或增强。",
                      "en": "{net}: the error of the last bit is exactly 0 (its output is "
                            "completely sure, or the weights to the output are 0), so nothing "
                            "travels back to fade or grow."},
    "bs_reach_fade": {"zh": "{net}:误差每往回传一步,大约减弱为原来的 1/{fade:.3g}。",
                      "en": "{net}: the error fades by about {fade:.3g}× at each step back."},
    "bs_reach_grow": {"zh": "{net}:误差不但没有减弱,每往回传一步还大约增强 {fade:.3g} 倍。",
                      "en": "{net}: the error does not fade; it grows by about {fade:.3g}× at "
                            "each step back."},
    "bs_reach_vanish": {"zh": "{net}:误差在传到第 0 位之前就小到计算机的数字无法表示(低于 1e-308)。",
                        "en": "{net}: before it reaches bit 0 the error becomes too small for "
                              "the computer's numbers (below 1e-308)."},
    "bs_reach_meaning_fade": {"zh": "所以一道练习题传回来的误差,大多只留在出错位置附近的几位:网络是从短短几位的借位里学的。",
                              "en": "So most of the blame a training problem sends back stays "
                                    "within a few bits of where it arose: the net learns from "
                                    "short stretches of borrowing."},
    "bs_reach_meaning_grow": {"zh": "这里远处的误差并没有减弱,所以长的借位链也能直接教会网络。",
                              "en": "Here the blame from far bits does not fade, so long "
                                    "borrow chains teach the net directly too."},
    "bs_rule_holds": {"zh": "可是它学到的规则仍能把借位传过很多位:它只在 {bits} 位的题目上训练过,却能算对 {accuracy:.0%} "
                            "的 32 位随机题目(“学会了吗?”一页还有更长的数),32 位的 {a:,} − 1 也{verdict}。",
                      "en": "Yet the rule it learned still carries a borrow across many bits: "
                            "trained on {bits} bits only, it gets {accuracy:.0%} of random "
                            "32-bit problems right (the “Did it learn?” page tries longer "
                            "numbers too), and at 32 bits it answers {a:,} − 1 {verdict}."},
    "bs_rule_partial": {"zh": "这个网络只是有时能把借位传过很多位:它在 {bits} 位的题目上训练,只算对 {accuracy:.0%} "
                              "的 32 位随机题目(“学会了吗?”一页还有更长的数),32 位的 {a:,} − 1 {verdict}。",
                        "en": "This net carries a borrow across many bits only sometimes: "
                              "trained on {bits} bits, it gets {accuracy:.0%} of random 32-bit "
                              "problems right (the “Did it learn?” page tries longer numbers "
                              "too), and at 32 bits it answers {a:,} − 1 {verdict}."},
    "bs_verdict_right": {"zh": "算对了 ✓", "en": "right ✓"},
    "bs_verdict_wrong": {"zh": "算错了 ✗", "en": "wrong ✗"},
    "bs_lapse_header": {"zh": "4. 训练过程回放", "en": "4. The lesson of training, replayed"},
    "bs_lapse_text": {
        "zh": "同一道题 {a} − {b},拿去问训练过程中每一个时刻保存下来的网络(从左到右)。每一行是一位;颜色表示那时网络在这道题上"
              "做的更新里,这一位占多少(黄色:占得最多)。✓ 标出这一位从哪一刻起算对、并且一直对下去。",
        "en": "The same problem, {a} − {b}, put to the net at every snapshot kept during its "
              "training (left to right). Each row is one bit; its colour is that bit's share "
              "of the update the net would then make on this problem (yellow: the largest "
              "share). ✓ marks the snapshot from which the bit was right and stayed right."},
    "bs_lapse_title": {"zh": "每一位占更新的比例", "en": "Each bit's share of the update"},
    "bs_lapse_subtitle": {"zh": "{a} − {b},训练过程中的每个时刻", "en": "{a} − {b}, at each "
                                                                  "snapshot of training"},
    "bs_axis_share": {"zh": "占更新的比例", "en": "share of the update"},
    "bs_lapse_learned": {"zh": "从第 {iteration:,} 次迭代起一直对",
                         "en": "right from iteration {iteration:,} on"},
    "bs_lapse_never": {"zh": "到最后仍是错的", "en": "still wrong at the end"},
    "bs_lapse_order": {"zh": "第 {first_bit} 位最先学会(从第 {first:,} 次迭代起一直对),第 {last_bit} 位最后学会"
                             "(从第 {last:,} 次起)。",
                       "en": "Bit {first_bit} was the first to be right for good, from "
                             "iteration {first:,}; bit {last_bit} the last, from iteration "
                             "{last:,}."},
    "bs_lapse_together": {"zh": "所有位都在同一时刻学会:从第 {first:,} 次迭代起一直对。",
                          "en": "Every bit became right for good at the same snapshot, "
                                "iteration {first:,}."},
    "bs_lapse_missing": {"zh": "训练结束时,{bits} 位里还有 {count} 位是错的。",
                         "en": "{count} of the {bits} bits are still wrong at the end of "
                               "training."},
    "bs_lapse_none": {"zh": "到训练结束,这道题没有哪一位是一直算对的。",
                      "en": "No bit of this problem was right for good by the end of "
                            "training."},
    "bs_lapse_borrow_later": {"zh": "需要借位的那些位学会得更晚(平均在第 {borrow:,} 次迭代),不需要借位的更早"
                                    "(平均第 {plain:,} 次)。",
                              "en": "The bits that take a borrow were learned later (on "
                                    "average at iteration {borrow:,}) than the others "
                                    "({plain:,})."},
    "bs_lapse_borrow_earlier": {"zh": "需要借位的那些位反而学会得更早(平均在第 {borrow:,} 次迭代),不需要借位的更晚"
                                      "(平均第 {plain:,} 次)。",
                                "en": "The bits that take a borrow were learned earlier (on "
                                      "average at iteration {borrow:,}) than the others "
                                      "({plain:,})."},
    "bs_lapse_borrow_same": {"zh": "需要借位的位和不需要借位的位差不多同时学会(平均在第 {borrow:,} 次和第 {plain:,} 次迭代)。",
                             "en": "The bits that take a borrow and the others were learned at "
                                   "about the same time (on average at iterations {borrow:,} "
                                   "and {plain:,})."},
    "bs_lapse_upload": {"zh": "回放需要网络的训练过程;上传的权重没有附带训练过程,所以无从回放。",
                        "en": "The time-lapse replays the net's training; uploaded weights "
                              "come without their training, so there is nothing to replay."},
    "bs_expert": {"zh": "给懂行的人:逐步看每个矩阵(热图、公式、梯度检验)",
                  "en": "For experts: every matrix, step by step (heatmaps, formulas, gradient "
                        "check)"},
    "bs_reach_upload": {"zh": "这是上传的权重,没有附带它们训练开始时的样子,所以这里只画它们自己这一条线,没法和训练开始时比较。",
                        "en": "These are uploaded weights: they come without the net they "
                              "started from, so only their own line is drawn, with no start of "
                              "training to compare it with."},
}


_SPOKEN = contextvars.ContextVar("language", default=None)  # set by `speaking`


@contextmanager
def speaking(lang):
    """Within the `with`, `t` speaks `lang`, whatever the session (the server's warm-up, which
    has none, makes the pages' charts in each language)."""
    token = _SPOKEN.set(lang)
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def language():
    """The current language: the picker's value, else the link's, else the browser's, else en
    (inside `speaking`, the language it names)."""
    if _SPOKEN.get() is not None:
        return _SPOKEN.get()
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


class Text(str):
    """Markdown that the app wrote: the catalogue's entries and what `t` makes of them."""


PLAIN_LIMIT = 40  # characters of outside text shown; the rest is cut


def plain(value, limit=PLAIN_LIMIT):
    """Outside text as Markdown that shows it as it is: an inline code span, one line, at most
    `limit` characters (a longer text ends in "…"). The fence is longer than any run of backticks
    inside, so nothing can close it early."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    if not text:
        return Text('""')
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    return Text(f"{fence} {text} {fence}")


def t(key, **values):
    """The catalogue's `key` in the current language, with `values` filled in: numbers as the
    entry formats them, `Text` as it is, any other string as plain text (see `plain`)."""
    text = CATALOGUE[key][language()]
    if not values:
        return Text(text)
    shown = {name: value if isinstance(value, Text) or not isinstance(value, str)
             else plain(value) for name, value in values.items()}
    return Text(text.format(**shown))
