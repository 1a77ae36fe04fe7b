"""A Streamlit component (v2) whose HTML, CSS and JavaScript are files in a
folder of ui/, read once at import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

__all__ = ["component_from_files"]


def component_from_files(name: str, folder: str, stem: str) -> Any:
    """The component ``name`` made of ``ui/folder/stem.html``, ``.css`` and ``.js``."""

    def read(suffix: str) -> str:
        return (Path(__file__).parent / folder / f"{stem}.{suffix}").read_text(encoding="utf-8")

    return st.components.v2.component(name, html=read("html"), css=read("css"), js=read("js"))
