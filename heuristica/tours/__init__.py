"""Onboarding sessions without Streamlit: where a shared session stands
(``tours.sessions``), which step a URL asks for (``tours.navigation``), the
tour's path as a graph (``tours.path``) and the hand-outs (``tours.markdown``,
``tours.handout``)."""
