"""Entry point: page set-up, the shared sidebar, routing. Page scripts live in app_pages/ (a root
folder named pages/ would switch Streamlit 1.67 into its legacy multipage mode; see README)."""
import streamlit as st

from ui import settings
from ui.i18n import draw_language_picker, t
from ui.store import MAX_WORK, get_model, too_big

st.set_page_config(page_title="退位减法 RNN Playground", page_icon="➖", layout="wide")
settings.check_query_params()
draw_language_picker()
config = settings.draw_sidebar()
train_page = st.Page("app_pages/train.py", title=t("page_train"), icon="📉", url_path="train",
                     default=True)
page = st.navigation([
    train_page,
    st.Page("app_pages/calculator.py", title=t("page_calculator"), icon="🧮",
            url_path="calculator"),
    st.Page("app_pages/backprop.py", title=t("page_backprop"), icon="🔁", url_path="backprop"),
    st.Page("app_pages/insight.py", title=t("page_insight"), icon="🔍", url_path="insight"),
])
settings.draw_notices()
work, over = too_big(config)
if over:
    st.error(t("too_big", work=work, limit=MAX_WORK, iterations=config.iterations,
               hidden=config.hidden, bits=config.bits), icon="🛑")
    st.stop()
model = st.session_state["model"] = get_model(config)
if model.result.status == "diverged" and page.url_path != train_page.url_path:
    st.error(t("diverged_page"), icon="💥")  # the training page still draws what there is
    st.stop()
page.run()
