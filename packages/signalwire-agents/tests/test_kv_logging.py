"""Key-value logging: ``self.log.info("event", port=...)`` and ``get_logger()``."""

from __future__ import annotations

import logging

import pytest

from signalwire.agents import AgentBase, KVLogger, get_logger


def test_agent_log_accepts_keyword_fields(caplog: pytest.LogCaptureFixture) -> None:
    agent = AgentBase("kv", basic_auth=("u", "p"))
    with caplog.at_level(logging.INFO, logger="signalwire.agents"):
        agent.log.info("agent_started", port=3000, route="/support")
    record = caplog.records[-1]
    assert record.getMessage() == "agent_started port=3000 route=/support"
    assert record.fields == {"port": 3000, "route": "/support"}  # type: ignore[attr-defined]
    assert record.port == 3000  # type: ignore[attr-defined]
    assert record.name == "signalwire.agents.AgentBase"
    assert record.filename == "test_kv_logging.py"  # the caller's line, not the wrapper's


def test_get_logger_fields_stdlib_kwargs_and_percent_args(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = get_logger("my_app")
    assert isinstance(log, KVLogger)
    assert log.name == "my_app"
    with caplog.at_level(logging.DEBUG, logger="my_app"):
        log.debug("plain %s", "args")
        # Field names that are LogRecord attributes stay in record.fields only.
        log.warning("clash", name="bob", message="hi there", level=3)
        try:
            raise KeyError("k")
        except KeyError:
            log.error("failed", exc_info=True, order_id="A-1")
        log.info("percent", value="100%")
        log.bind(call_id="c-1").info("bound", step=2)
    plain, clash, failed, percent, bound = caplog.records
    assert plain.getMessage() == "plain args"
    assert not hasattr(plain, "fields")
    assert clash.getMessage() == "clash name=bob message='hi there' level=3"
    assert clash.name == "my_app"
    assert clash.fields == {"name": "bob", "message": "hi there", "level": 3}  # type: ignore[attr-defined]
    assert failed.exc_info is not None and failed.order_id == "A-1"  # type: ignore[attr-defined]
    assert percent.getMessage() == "percent value=100%"
    assert bound.getMessage() == "bound call_id=c-1 step=2"


def test_disabled_level_costs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    log = get_logger("quiet")
    with caplog.at_level(logging.WARNING, logger="quiet"):
        log.info("skipped", big=object())
    assert caplog.records == []
