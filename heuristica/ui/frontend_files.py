"""A Streamlit component (v2) whose HTML, CSS and JavaScript are files in a
folder of ui/, read once at import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

__all__ = ["component_from_files", "plain_data"]


def component_from_files(name: str, folder: str, stem: str) -> Any:
    """The component ``name`` made of ``ui/folder/stem.html``, ``.css`` and
    ``.js``; its ``data`` goes through ``plain_data``."""

    def read(suffix: str) -> str:
        return (Path(__file__).parent / folder / f"{stem}.{suffix}").read_text(encoding="utf-8")

    mount = st.components.v2.component(name, html=read("html"), css=read("css"), js=read("js"))

    def component(*, data: Any = None, **kwargs: Any) -> Any:
        return mount(data=plain_data(data), **kwargs)

    return component


def plain_data(data: Any) -> Any:
    """``data`` with each list at its top level made a tuple (the same JSON).

    Streamlit asks of every top-level value of a component's ``data`` dict
    whether it is a dataframe, and for anything but a tuple, str, number or
    None that question imports pandas, numpy and pyarrow: over a second of
    a server's first run. Our components send plain JSON, never a dataframe.
    """
    if not isinstance(data, dict):
        return data
    return {key: tuple(value) if isinstance(value, list) else value for key, value in data.items()}
