"""Streamlit helpers shared by the pages: translations, settings, the model store, charts."""
