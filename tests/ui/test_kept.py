"""convviz.ui.kept: results shared by all sessions or kept in one, under AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from convviz.ui.kept import SESSION_ENTRIES


def _script(shared, keys):
    import streamlit as st

    from convviz.ui.kept import kept

    calls = st.session_state.setdefault("calls", [])
    for k in st.session_state.get("keys", keys):
        value = kept("t.store", ("test-kept", shared, k),
                     lambda k=k: calls.append(k) or f"value {k}", shared=shared)
        st.markdown(value)


def _run(shared: bool, keys: list) -> AppTest:
    return AppTest.from_function(_script, args=(shared, keys), default_timeout=30).run()


def test_a_session_store_computes_each_key_once_and_forgets_the_oldest():
    keys = list(range(SESSION_ENTRIES + 2))
    at = _run(False, keys)
    assert not at.exception
    assert [m.value for m in at.markdown] == [f"value {k}" for k in keys]
    assert at.session_state["calls"] == keys
    held = at.session_state["t.store"]
    assert len(held) == SESSION_ENTRIES
    assert ("test-kept", False, 0) not in held  # the least recently used went first
    at.session_state["keys"] = [5, 1, 13, 0]
    at.run()  # the kept keys are not computed again; the forgotten ones are
    assert at.session_state["calls"] == keys + [1, 0]


def test_session_results_are_not_seen_by_another_session():
    first = _run(False, ["a"])
    second = _run(False, ["a"])
    assert first.session_state["calls"] == ["a"] and second.session_state["calls"] == ["a"]


def test_shared_results_are_computed_once_for_all_sessions():
    first = _run(True, ["shared-x"])
    second = _run(True, ["shared-x"])
    assert first.session_state["calls"] == ["shared-x"]
    assert second.session_state["calls"] == []  # the first session's result
    assert second.markdown[0].value == "value shared-x"
    assert "t.store" not in second.session_state  # nothing in the session's own store


def test_an_exception_is_not_kept():
    def script():
        import streamlit as st

        from convviz.ui.kept import kept

        n = st.session_state.setdefault("n", [0])

        def make():
            n[0] += 1
            if n[0] == 1:
                raise ValueError("first try fails")
            return "second try"

        try:
            st.markdown(kept("t.err", "k", make, shared=False))
        except ValueError as exc:
            st.markdown(str(exc))

    at = AppTest.from_function(script, default_timeout=30).run()
    assert at.markdown[0].value == "first try fails"
    at.run()
    assert at.markdown[0].value == "second try"
