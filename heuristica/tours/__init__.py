"""Onboarding sessions without Streamlit: where a shared session stands
(``tours.sessions``), which step a URL asks for (``tours.navigation``), the
tour's path as a graph (``tours.path``) and the hand-outs (``tours.markdown``,
``tours.handout``), the room a presenter's steps go out to (``tours.room``,
``tours.redis_store``), and the limit on wrong session codes per client
address (``tours.join_limit``).

May import: ``heuristica.draw``, ``heuristica.search``, ``heuristica.kb``,
``heuristica.shared_store`` and the root. No Streamlit.
"""
