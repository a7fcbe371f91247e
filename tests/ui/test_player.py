"""The shared Play / Pause / Step player (convviz.ui.player) under AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from convviz.ui.player import advance


def _app(n_steps: int = 5, speeds: tuple = (1, 2, 5, 10), default_speed: float = 10) -> AppTest:
    def script(n_steps, speeds, default_speed):
        import streamlit as st

        from convviz.ui.player import Player

        player = Player("t", n_steps, default_speed=default_speed, speeds=speeds)
        player.controls()
        player.show(lambda i: st.markdown(f"step {i}"))

    at = AppTest.from_function(script, args=(n_steps, speeds, default_speed), default_timeout=30)
    return at.run()


def _step(at: AppTest) -> str:
    return at.markdown[0].value


def test_speeds_are_the_given_choices_and_a_default_outside_them_is_moved():
    at = _app(speeds=(1, 2, 5, 10), default_speed=12)
    assert not at.exception
    assert at.select_slider(key="t.speed").options == ["1", "2", "5", "10"]
    assert at.session_state["t.speed"] == 10


def test_play_pause_buttons_say_what_they_do():
    at = _app()
    assert at.button(key="t.toggle").label == "Play"
    at.button(key="t.toggle").click().run()
    assert at.session_state["t.playing"] and at.button(key="t.toggle").label == "Pause"
    at.button(key="t.toggle").click().run()
    assert not at.session_state["t.playing"] and at.button(key="t.toggle").label == "Play"


def test_a_pause_handled_twice_stays_paused():
    def script():
        import streamlit as st

        from convviz.ui.player import Player

        player = Player("t", 5)
        player._toggle(True)
        player._toggle(False)
        player._toggle(False)  # the same click again, as after an interrupted run
        st.markdown(f"playing {st.session_state['t.playing']}")

    at = AppTest.from_function(script, default_timeout=30).run()
    assert at.markdown[0].value == "playing False"


def test_play_at_the_end_starts_over_and_the_slider_scrubs():
    at = _app()
    at.slider(key="t.slider").set_value(5).run()
    assert _step(at) == "step 4"
    at.button(key="t.toggle").click().run()
    assert at.session_state["t.playing"] and _step(at) == "step 0"
    at.button(key="t.toggle").click().run()  # pause, then a drag goes there
    at.slider(key="t.slider").set_value(3).run()
    assert not at.session_state["t.playing"] and _step(at) == "step 2"
    at.button(key="t.fwd").click().run()
    assert _step(at) == "step 3" and at.slider(key="t.slider").value == 4


def _tick(at: AppTest) -> AppTest:
    """What a timer tick does while playing: the interval has passed since the last move."""
    at.session_state["t.last"] = 0.0
    return at.run()


def test_playing_moves_the_step_slider_with_the_frame():
    at = _app()
    at.button(key="t.toggle").click().run()
    for shown in ("step 1", "step 2", "step 3"):
        _tick(at)
        assert _step(at) == shown
        assert at.slider(key="t.slider").value == int(shown.split()[1]) + 1  # 1-based


def test_the_slider_is_locked_while_playing_and_a_stale_value_is_ignored():
    at = _app()
    at.button(key="t.toggle").click().run()
    _tick(at)
    _tick(at)
    assert at.slider(key="t.slider").disabled
    stale = at.slider(key="t.slider")
    stale.proto.disabled = False  # not a user's drag: a request that carries an older value
    stale.set_value(2).run()
    assert at.session_state["t.playing"] and _step(at) == "step 2"
    assert at.slider(key="t.slider").value == 3
    at.button(key="t.toggle").click().run()
    assert not at.slider(key="t.slider").disabled


def test_restart_goes_back_to_the_first_step_paused_when_the_token_changes():
    def script():
        import streamlit as st

        from convviz.ui.player import Player, restart_on_change

        ss = st.session_state
        if restart_on_change("t", ss.get("token", "a")):
            st.markdown("restarted")
        player = Player("t", 9)
        player.controls()
        player.show(lambda i: st.markdown(f"step {i}"))

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not any(m.value == "restarted" for m in at.markdown)  # the first run keeps all
    at.slider(key="t.slider").set_value(7).run()
    at.button(key="t.toggle").click().run()
    at.session_state["token"] = "a"
    at.run()
    assert at.session_state["t.pos"] == 6 and at.session_state["t.playing"]
    at.session_state["token"] = "b"
    at.run()
    assert any(m.value == "restarted" for m in at.markdown)
    assert at.markdown[-1].value == "step 0" and not at.session_state["t.playing"]
    assert at.slider(key="t.slider").value == 1


def test_advance_moves_one_step_per_interval_and_stops_at_the_end():
    assert advance(0, 5, now=1.0, last=0.0, interval=0.1) == (1, True, 1.0)
    assert advance(3, 5, now=1.0, last=0.0, interval=0.1) == (4, False, 1.0)
    assert advance(2, 5, now=1.0, last=0.99, interval=0.1) == (2, True, 0.99)
