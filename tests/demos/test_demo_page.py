"""The Live demo page, run by Streamlit's AppTest against real demo processes."""

import json
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from heuristica.demos.runs import BOARD, Batch
from heuristica.demos.slots import RunSlots
from heuristica.processes.runner import RunOutcome

PAGE = str(Path(__file__).resolve().parents[2] / "heuristica" / "pages" / "demo.py")


def board_batch(batch_id: str) -> Batch:
    batch = BOARD.get(batch_id)
    assert batch is not None, f"no batch {batch_id} on the board"
    return batch


def ended(outcome: RunOutcome | None) -> RunOutcome:
    assert outcome is not None, "the run has not ended"
    return outcome


def open_page(**query: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=30)
    for name, value in query.items():
        app.query_params[name] = value
    return app.run()


def tiny(app: AppTest, method: str, time_limit: float) -> AppTest:
    app.selectbox(key="demo_method").set_value(method)
    app.number_input(key="demo_workers").set_value(1)
    app.number_input(key="demo_tasks").set_value(2)
    app.number_input(key="demo_rows").set_value(1000)
    app.number_input(key="demo_time_limit").set_value(time_limit)
    return app


def rerun_until_verdict(app: AppTest, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.run()
        verdicts = [element.value for element in (*app.success, *app.error)]
        if verdicts:
            return verdicts[0]
        time.sleep(0.2)
    raise AssertionError("no verdict appeared")


def test_a_spawn_run_shows_the_verdict_and_the_environment() -> None:
    app = tiny(open_page(), "spawn", time_limit=10)

    app.button(key="demo_run").click().run()
    shown = rerun_until_verdict(app)

    assert shown.startswith("finished: 2 tasks on 1 workers in ")
    assert shown.endswith("No process of this run is left.")
    assert any("/?node=heuristic/polars-use-spawn-not-fork" in md.value for md in app.markdown)
    facts = app.dataframe[0].value
    assert "Polars thread-pool size" in list(facts["fact"])
    assert app.button(key="demo_cancel").disabled


def test_cancel_on_a_hung_fork_run_shows_it_was_cancelled() -> None:
    app = tiny(open_page(), "fork", time_limit=30)
    app.button(key="demo_run").click().run()
    assert app.button(key="demo_cancel").disabled is False
    batch = board_batch(app.session_state["demo_batch_id"])
    deadline = time.monotonic() + 10
    while not any(event["event"] == "worker_ready" for event in batch.views()[0].events):
        assert time.monotonic() < deadline, "the worker never became ready"
        time.sleep(0.1)

    app.button(key="demo_cancel").click().run()
    shown = rerun_until_verdict(app)

    assert shown.startswith("cancelled by you after ")
    assert "1 process was killed" in shown
    assert BOARD.slots.counts() == (0, 0)


def test_an_out_of_range_setting_turns_run_off_and_says_why() -> None:
    app = open_page()
    app.number_input(key="demo_workers").set_value(99).run()

    assert [e.value for e in app.error] == [
        "**Workers:** workers must be from 1 to 8, got 99. Run is off until this is fixed."
    ]
    assert app.button(key="demo_run").disabled
    assert app.button(key="demo_compare").disabled


def test_a_stalled_run_shows_how_long_it_has_run_and_how_long_until_it_is_called_stuck() -> None:
    app = tiny(open_page(), "fork", time_limit=30)
    app.button(key="demo_run").click().run()
    batch = board_batch(app.session_state["demo_batch_id"])
    deadline = time.monotonic() + 20
    while not any(event["event"] == "worker_ready" for event in batch.views()[0].events):
        assert time.monotonic() < deadline, "the worker never became ready"
        time.sleep(0.1)
    time.sleep(2)  # a stall the page is told about after 1 s without progress

    app.run()
    (note,) = [w.value for w in app.warning]
    assert note.startswith("Running for ")
    assert "No worker has reported for " in note
    assert "(30 s without progress), the run is called stuck" in note
    app.button(key="demo_cancel").click().run()
    assert BOARD.wait(batch.batch_id, timeout=20)


def test_an_unknown_demo_in_the_address_gets_a_warning_and_the_default() -> None:
    app = open_page(demo="fork_bomb")

    (warning,) = app.warning
    assert "There is no live demo called `fork_bomb`" in warning.value
    assert "Available demos: spawn_vs_fork" in warning.value
    assert app.selectbox(key="demo_method").value == "fork"


def test_an_unknown_scenario_in_the_address_gets_a_warning_and_the_default() -> None:
    app = open_page(demo="spawn_vs_fork", scenario="vfork")

    (warning,) = app.warning
    assert "Unknown scenario `vfork`" in warning.value
    assert app.radio(key="demo_scenario").value == "parent-uses-polars"


def test_a_scenario_in_the_address_preselects_the_form() -> None:
    app = open_page(demo="spawn_vs_fork", scenario="fork-idle-parent")

    assert not app.warning
    assert app.selectbox(key="demo_method").value == "fork"
    assert app.radio(key="demo_scenario").value == "parent-idle"


def test_compare_all_shows_every_method_side_by_side() -> None:
    app = tiny(open_page(), "fork", time_limit=1)

    app.button(key="demo_compare").click().run()
    batch = board_batch(app.session_state["demo_batch_id"])
    assert BOARD.wait(batch.batch_id, timeout=60)
    app.run()

    table = app.dataframe[0].value
    assert list(table["run"]) == ["fork-after-polars", "fork-idle-parent", "spawn", "forkserver"]
    assert list(table["status"]) == ["deadlock", "ok", "ok", "ok"]
    charts = app.get("vega_lite_chart")
    assert len(charts) == 2
    spec = json.loads(charts[1].proto.spec)
    assert spec["encoding"]["color"]["field"] == "status"
    colours = dict(zip(*spec["encoding"]["color"]["scale"].values(), strict=True))
    assert colours["deadlock"] == "#D32F2F" != colours["ok"]


def test_a_full_server_says_to_retry_instead_of_starting(monkeypatch) -> None:
    monkeypatch.setattr(BOARD, "slots", RunSlots(limit=1, max_waiting=0))
    BOARD.slots.wait_turn(BOARD.slots.enqueue(), cancelled=lambda: False)
    app = tiny(open_page(), "spawn", time_limit=2)

    app.button(key="demo_run").click().run()

    (error,) = app.error
    assert error.value.startswith("Not started: all 1 demo slots are busy and 0 more runs")
    assert "demo_batch_id" not in app.session_state


def test_a_run_whose_browser_session_is_gone_still_ends_at_its_time_limit() -> None:
    app = tiny(open_page(), "fork", time_limit=1)
    app.button(key="demo_run").click().run()
    batch = board_batch(app.session_state["demo_batch_id"])
    del app  # nobody polls this run any more

    assert BOARD.wait(batch.batch_id, timeout=1 + 10)
    (run,) = batch.views()
    assert ended(run.outcome).status == "deadlock"
    assert ended(run.outcome).leftovers == []
