"""SWMLBuilder: the fluent wrapper around an SWMLService document."""

from __future__ import annotations

import json

import pytest

from signalwire.agents import SWMLService
from signalwire.agents._errors import SchemaValidationError
from signalwire.agents._swml_builder import SWMLBuilder
from signalwire.testing.swml import validate_swml


@pytest.fixture
def builder() -> SWMLBuilder:
    return SWMLBuilder(SWMLService("builder", basic_auth=("u", "p")))


def main(builder: SWMLBuilder) -> list[dict[str, object]]:
    document = validate_swml(builder.build())
    verbs: list[dict[str, object]] = document["sections"]["main"]
    return verbs


def test_every_method_chains(builder: SWMLBuilder) -> None:
    result = (
        builder.answer(max_duration=60, codecs="PCMU")
        .play(url="say:hi")
        .say("Hello", voice="Polly.Joanna", language="en-US", gender="female", volume=2)
        .sleep(500)
        .record_call(format="mp3", stereo=True)
        .add_section("other")
        .add_verb_to_section("other", "hangup", {})
        .add_verb("label", "end")
        .hangup(reason="busy")
    )
    assert result is builder
    assert main(builder) == [
        {"answer": {"max_duration": 60, "codecs": "PCMU"}},
        {"play": {"url": "say:hi"}},
        {
            "play": {
                "url": "say:Hello",
                "volume": 2,
                "say_voice": "Polly.Joanna",
                "say_language": "en-US",
                "say_gender": "female",
            }
        },
        {"sleep": 500},
        {"record_call": {"format": "mp3", "stereo": True}},
        {"label": "end"},
        {"hangup": {"reason": "busy"}},
    ]
    assert builder.build()["sections"]["other"] == [{"hangup": {}}]


def test_service_property(builder: SWMLBuilder) -> None:
    assert isinstance(builder.service, SWMLService)
    builder.answer()
    assert builder.service.get_document() is builder.build()


def test_bare_answer_and_hangup(builder: SWMLBuilder) -> None:
    builder.answer().hangup()
    assert main(builder) == [{"answer": {}}, {"hangup": {}}]


def test_ai_with_text_prompt(builder: SWMLBuilder) -> None:
    builder.ai(
        prompt_text="You are helpful.",
        post_prompt="Summarise.",
        post_prompt_url="https://example.com/summary",
        swaig={"functions": [{"function": "f", "description": "d"}]},
        params={"end_of_speech_timeout": 700},
        hints=["Acme"],
    )
    assert main(builder) == [
        {
            "ai": {
                "prompt": {"text": "You are helpful."},
                "post_prompt": {"text": "Summarise."},
                "post_prompt_url": "https://example.com/summary",
                "SWAIG": {"functions": [{"function": "f", "description": "d"}]},
                "params": {"end_of_speech_timeout": 700},
                "hints": ["Acme"],
            }
        }
    ]


def test_ai_with_pom_prompt(builder: SWMLBuilder) -> None:
    builder.ai(prompt_pom=[{"title": "Role", "body": "Helpful"}])
    assert main(builder) == [{"ai": {"prompt": {"pom": [{"title": "Role", "body": "Helpful"}]}}}]


@pytest.mark.parametrize(
    "kwargs", [{}, {"prompt_text": "a", "prompt_pom": [{"title": "t", "body": "b"}]}]
)
def test_ai_needs_exactly_one_prompt(builder: SWMLBuilder, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="exactly one of prompt_text or prompt_pom"):
        builder.ai(**kwargs)  # type: ignore[arg-type]


def test_play_with_urls(builder: SWMLBuilder) -> None:
    builder.play(urls=["say:one", "silence:1"], auto_answer=False)
    assert main(builder) == [{"play": {"urls": ["say:one", "silence:1"], "auto_answer": False}}]


@pytest.mark.parametrize("kwargs", [{}, {"url": "say:a", "urls": ["say:b"]}])
def test_play_needs_exactly_one_of_url_or_urls(
    builder: SWMLBuilder, kwargs: dict[str, object]
) -> None:
    with pytest.raises(ValueError, match="exactly one of url or urls"):
        builder.play(**kwargs)  # type: ignore[arg-type]


def test_generated_verbs_validate(builder: SWMLBuilder) -> None:
    with pytest.raises(SchemaValidationError) as info:
        builder.connect(to=5)  # type: ignore[arg-type]
    assert info.value.verb == "connect"
    with pytest.raises(SchemaValidationError, match=r"hangup\.reason"):
        builder.hangup(reason="tired")


def test_render_and_reset(builder: SWMLBuilder) -> None:
    builder.answer().hangup()
    assert json.loads(builder.render()) == builder.build()
    assert builder.reset() is builder
    assert builder.build() == {"version": "1.0.0", "sections": {"main": []}}


def test_switch_and_cond_flows(builder: SWMLBuilder) -> None:
    builder.prompt(play="say:Press 1 for sales", max_digits=1).switch(
        variable="prompt_value",
        case={"1": [{"transfer": {"dest": "sales"}}]},
        default=[{"hangup": {}}],
    ).cond([{"when": "call.from == '+1'", "then": [{"hangup": {}}]}, {"else": [{"return": {}}]}])
    assert [next(iter(v)) for v in main(builder)] == ["prompt", "switch", "cond"]
