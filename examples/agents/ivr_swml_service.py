"""A phone menu (IVR) built with SWMLService alone: no AI, just SWML verbs.

Callers hear a menu, press a digit (or say "sales"/"support"), and the call
moves to the matching section: sales rings two phones in turn, support takes
a voicemail. Each verb call is validated against the SWML schema as it is
added, so a typo fails here rather than on a live call.

    uv run examples/agents/ivr_swml_service.py          # serve on /ivr
    uv run examples/agents/ivr_swml_service.py --dump   # print the SWML and exit
"""

from __future__ import annotations

import json
import sys

from signalwire.agents import SWMLBuilder, SWMLService

SALES_PHONES = ["+15551230001", "+15551230002"]


def build_ivr() -> SWMLService:
    ivr = SWMLService("ivr", route="/ivr")

    # main: greet, ask, branch on the answer.
    ivr.answer(max_duration=3600)
    ivr.record_call(format="mp3", stereo=True)
    ivr.prompt(
        play="say:Thanks for calling Acme. Press 1 or say sales. Press 2 or say support.",
        max_digits=1,
        digit_timeout=5.0,
        speech_hints=["sales", "support"],
    )
    ivr.switch(
        variable="prompt_value",
        case={
            "1": [{"execute": {"dest": "sales"}}],
            "sales": [{"execute": {"dest": "sales"}}],
            "2": [{"execute": {"dest": "support"}}],
            "support": [{"execute": {"dest": "support"}}],
        },
        default=[{"play": {"url": "say:Sorry, I did not get that. Goodbye."}}, {"hangup": {}}],
    )

    # sales: ring each phone for 20 s, then apologise.
    ivr.add_section("sales")
    ivr.add_verb_to_section("sales", "play", {"url": "say:Connecting you to sales."})
    ivr.add_verb_to_section(
        "sales",
        "connect",
        {"serial": [{"to": number, "timeout": 20} for number in SALES_PHONES]},
    )
    ivr.add_verb_to_section("sales", "play", {"url": "say:Nobody is free right now."})
    ivr.add_verb_to_section("sales", "hangup", {})

    # support: the builder offers the same verbs as chained calls.
    ivr.add_section("support")
    support = SWMLBuilder(ivr)
    support.add_verb_to_section(
        "support", "play", {"url": "say:Please leave a message after the beep."}
    ).add_verb_to_section(
        "support", "record", {"beep": True, "max_length": 120, "terminators": "#"}
    ).add_verb_to_section("support", "hangup", {"reason": "hangup"})
    return ivr


def main(argv: list[str]) -> None:
    ivr = build_ivr()
    if "--dump" in argv:
        print(json.dumps(ivr.get_document(), indent=2))
        return
    user, password = ivr.get_basic_auth_credentials()[:2]
    print(f"SWML URL: http://localhost:{ivr.port}{ivr.route}  (basic auth {user}:{password})")
    ivr.serve()


if __name__ == "__main__":
    main(sys.argv[1:])
