"""Entry point: page set-up, the shared sidebar, routing, and the model every page is given.

Each page is a module of app_pages/ with a `render(model)` function; this script draws the page's
title, obtains the model of the sidebar's settings (training it, if no one has yet, with its
progress above the page last drawn, which stays, faded, until the new one replaces it: the page
neither collapses nor leaves a stale chart behind) and calls `render(model)`. (A root folder
named pages/ would switch Streamlit 1.67 into its legacy multipage mode; see README.)
"""
from functools import partial

import streamlit as st

from app_pages import backprop, calculator, insight, train
from compute import jobs
from ui import models, settings
from ui.i18n import t

# (module, URL path, icon: Material icons, which need no emoji font); the first is the start page,
# served at / (Streamlit gives the default page no path of its own: /train, the link a visitor
# may be given, is a hidden page that sends them to /, link parameters kept)
PAGES = [(train, "train", ":material/show_chart:"),
         (calculator, "calculator", ":material/calculate:"),
         (backprop, "backprop", ":material/swap_vert:"),
         (insight, "insight", ":material/search:")]


def show(page, config):
    """Draw `page` for the net of `config`: the title at once, the rest once the net is there."""
    st.title(t(page.TITLE))
    body = st.empty()  # training progress, and what stops the page
    content = st.container()  # the page: the last one drawn stays until the new one replaces it
    seconds, over = models.too_big(config)
    if over:
        body.error(t("too_big", seconds=seconds, limit=jobs.JOB_SECONDS,
                     iterations=config.iterations, hidden=config.hidden, bits=config.bits),
                   icon=":material/block:")
        return
    model = models.get_model(config, body)  # None: it said why in `body`
    if model is None:
        return
    if model.result.status == "diverged" and not page.SHOWS_DIVERGED:
        body.error(t("diverged_page"), icon=":material/warning:")
        return
    body.empty()
    with content:
        page.render(model)


settings.check_query_params()
# the presenter view closes the sidebar (the toggle in it opens it again); "auto" leaves it to the
# width of the screen (closed on a phone)
st.set_page_config(page_title="退位减法 RNN Playground", page_icon=":material/remove:",
                   layout="wide",
                   initial_sidebar_state="collapsed" if settings.presenting() else "auto")
config = settings.draw_sidebar()
pages = [st.Page(partial(show, module, config), title=t(module.NAV), icon=icon,
                 url_path="start" if index == 0 else path, default=index == 0)
         for index, (module, path, icon) in enumerate(PAGES)]
to_start = st.Page(lambda: st.switch_page(pages[0], query_params=st.query_params.to_dict()),
                   title=t(PAGES[0][0].NAV), url_path=PAGES[0][1], visibility="hidden")
current = st.navigation([*pages, to_start])
settings.draw_notices()
current.run()
