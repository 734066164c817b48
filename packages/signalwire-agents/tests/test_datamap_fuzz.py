"""Random DataMap call sequences: each renders a schema-valid function or raises clearly."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from signalwire.agents._datamap import DataMap
from signalwire.agents._function_result import FunctionResult
from signalwire.testing.swml import validate_swml

RESULT = st.builds(FunctionResult, st.sampled_from(["ok ${args.q}", "Found ${response.x}"]))
CALLS: list[st.SearchStrategy[tuple[str, tuple[Any, ...]]]] = [
    st.tuples(st.just("purpose"), st.tuples(st.just("Look things up"))),
    st.tuples(
        st.just("parameter"),
        st.tuples(
            st.sampled_from(["q", "n"]),
            st.sampled_from(["string", "integer"]),
            st.just("d"),
            st.booleans(),
        ),
    ),
    st.tuples(
        st.just("expression"),
        st.tuples(st.just("${args.q}"), st.sampled_from(["^a", "b$"]), RESULT),
    ),
    st.tuples(
        st.just("webhook"),
        st.tuples(
            st.sampled_from(["GET", "post", "PATCH"]), st.just("https://api.test/${enc:args.q}")
        ),
    ),
    st.tuples(st.just("params"), st.tuples(st.just({"q": "${args.q}"}))),
    st.tuples(st.just("body"), st.tuples(st.just({"q": "${args.q}"}))),
    st.tuples(st.just("output"), st.tuples(RESULT)),
    st.tuples(st.just("error_keys"), st.tuples(st.just(["error"]))),
    st.tuples(st.just("fallback_output"), st.tuples(RESULT)),
    st.tuples(
        st.just("foreach"),
        st.tuples(
            st.sampled_from(
                [
                    {"input_key": "items", "output_key": "o", "append": "${this.n} "},
                    {"input_key": "items"},
                ]
            )
        ),
    ),
]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(calls=st.lists(st.one_of(CALLS), max_size=6))
def test_random_datamap_renders_valid_or_raises_clearly(
    calls: list[tuple[str, tuple[Any, ...]]],
) -> None:
    dm = DataMap("tool")
    try:
        for method, args in calls:
            getattr(dm, method)(*args)
        function = dm.to_swaig_function()
    except (ValueError, TypeError) as exc:
        error: Exception = exc
    else:
        validate_swml(
            {
                "version": "1.0.0",
                "sections": {
                    "main": [{"ai": {"prompt": {"text": "x"}, "SWAIG": {"functions": [function]}}}]
                },
            }
        )
        return
    assert str(error)
