"""Tool tokens: fields cannot bleed into each other, and the call_id they bind is bounded."""

from __future__ import annotations

import base64
import time
from typing import Any

from agents_testkit import CREDS, basic, client_for, swaig_body, swml_fetch_body, token_from
from hypothesis import given, settings
from hypothesis import strategies as st

from signalwire.agents import AgentBase, FunctionResult
from signalwire.agents._hosting.tokens import TokenSigner
from signalwire.testing.swml import validate_swml

REFUSAL = (
    "I'm sorry, the security token for this function is invalid or expired. "
    "I cannot execute this action."
)


def make_agent() -> AgentBase:
    agent = AgentBase("tokens", basic_auth=CREDS, swaig_secret="s3cret")
    agent.prompt_add_section("Role", "Test.")
    agent.define_tool("lookup", "Secure lookup", {}, lambda a, r: FunctionResult("looked up"))
    agent.define_tool("vault", "Secure vault", {}, lambda a, r: FunctionResult("opened"))
    return agent


def url_of(doc: dict[str, Any], name: str) -> str:
    for verb in doc["sections"]["main"]:
        if "ai" in verb:
            for fn in verb["ai"]["SWAIG"]["functions"]:
                if fn["function"] == name:
                    return str(fn["web_hook_url"])
    raise AssertionError(name)


def forgeries(token: str, target: str) -> list[str]:
    """Tokens an attacker builds from a real one by moving field boundaries."""
    out = []
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except Exception:
        raw = token
    # Old layout: "{cid}.{fn}.{exp}.{nonce}.{sig}", signed over "{cid}:{fn}:{exp}:{nonce}".
    parts = raw.rsplit(".", 4)
    if len(parts) == 5:
        cid, fn, exp, nonce, sig = parts
        pieces = cid.split(":")
        if len(pieces) == 3:  # cid was "*:target:expiry"
            moved = f"{pieces[0]}.{pieces[1]}.{pieces[2]}.{fn}:{exp}:{nonce}.{sig}"
            out.append(base64.urlsafe_b64encode(moved.encode()).decode())
    # Field-wise layout: whatever the fields, swap in the target function.
    fields = token.split(".")
    if len(fields) == 5:
        enc = base64.urlsafe_b64encode(target.encode()).rstrip(b"=").decode()
        out.append(".".join([fields[0], enc, *fields[2:]]))
    return out


async def test_a_crafted_call_id_cannot_forge_a_token_for_another_tool_or_expiry() -> None:
    agent = make_agent()
    crafted = "*:vault:99999999999"  # would re-read as call_id "*", tool "vault", never expiring
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/", json=swml_fetch_body(crafted), headers=basic())
        token = token_from(url_of(validate_swml(resp.json()), "lookup"))
        attempts = forgeries(token, "vault")
        assert attempts  # the attack was actually tried
        for forged in attempts:
            for call_id in ("any-call", crafted):
                resp = await client.post(
                    f"/swaig/?__token={forged}",
                    json=swaig_body("vault", {}, call_id),
                    headers=basic(),
                )
                assert resp.json() == {"response": REFUSAL}, forged


async def test_call_ids_that_cannot_be_bound_get_a_token_for_any_call_only() -> None:
    agent = make_agent()
    async with client_for(agent.get_app()) as client:
        for crafted in ("a" * 500, "call.1", "call:1", "cäll", "x\ny"):
            resp = await client.post("/", json=swml_fetch_body(crafted), headers=basic())
            token = token_from(url_of(validate_swml(resp.json()), "vault"))
            assert len(token) < 200
            resp = await client.post(
                f"/swaig/?__token={token}",
                json=swaig_body("vault", {}, "real-call"),
                headers=basic(),
            )
            assert resp.json() == {"response": "opened"}
            resp = await client.post(
                f"/swaig/?__token={token}",
                json=swaig_body("lookup", {}, "real-call"),
                headers=basic(),
            )
            assert resp.json() == {"response": REFUSAL}


call_ids = st.one_of(st.none(), st.from_regex(r"[A-Za-z0-9_\-]{1,128}", fullmatch=True))
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,40}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(call_ids, names, call_ids, names)
def test_a_token_verifies_only_for_its_own_tool_and_call(
    cid: str | None, fn: str, other_cid: str | None, other_fn: str
) -> None:
    signer = TokenSigner("k")
    token = signer.mint(fn, cid)
    assert signer.check(token, fn, cid or "some-call")
    assert signer.check(token, other_fn, cid or "x") == (other_fn == fn)
    if cid is not None:
        assert signer.check(token, fn, other_cid) == (other_cid == cid)
    assert not TokenSigner("other").check(token, fn, cid)
    for forged in forgeries(token, other_fn):
        assert not signer.check(forged, other_fn, cid) or other_fn == fn


def test_expiry_cannot_be_extended() -> None:
    signer = TokenSigner("k", expiry_secs=10)
    token = signer.mint("vault", "call-1", now=time.time() - 100)
    assert not signer.check(token, "vault", "call-1")
    fields = token.split(".")
    later = base64.urlsafe_b64encode(b"99999999999").rstrip(b"=").decode()
    assert not signer.check(".".join([fields[0], fields[1], later, *fields[3:]]), "vault", "call-1")


def test_minting_for_an_unbindable_call_id_names_the_rule() -> None:
    import pytest

    with pytest.raises(ValueError, match="call_id must be"):
        TokenSigner("k").mint("vault", "a:b")
