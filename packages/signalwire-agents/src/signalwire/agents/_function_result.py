"""FunctionResult: what a SWAIG tool returns to the AI (a response and actions)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["FunctionResult", "SwaigFunctionResult"]


def _swml(*verbs: dict[str, Any]) -> dict[str, Any]:
    return {"version": "1.0.0", "sections": {"main": list(verbs)}}


_TAP_CODECS = ("PCMU", "PCMA")
_BEEP = ("true", "false", "onEnter", "onExit")
_CONF_RECORD = ("do-not-record", "record-from-start")
_CONF_TRIM = ("trim-silence", "do-not-trim")
_CALLBACK_METHODS = ("GET", "POST")


def _one_of(field: str, value: Any, allowed: tuple[str, ...]) -> None:
    """Refuse a value the platform would reject, naming the field and the choices."""
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{field} must be one of {choices}, got {value!r}")


def _flag(value: bool) -> str:
    # The platform reads these SWML-wrapped flags as strings.
    return "true" if value else "false"


class FunctionResult:
    """The reply of a SWAIG tool: ``response`` text for the AI plus ``action`` items.

    Every method returns ``self`` so calls chain::

        return FunctionResult("Transferring you now").connect("+15551234567")
    """

    def __init__(
        self,
        response: str | None = None,
        post_process: bool = False,
        tool_result: str | None = None,
        tool_prompt: str | None = None,
    ) -> None:
        # "" rather than None when unset, as in the vendor SDK (to_dict() omits it either way).
        self.response: str | dict[str, Any] = response if response is not None else ""
        self.action: list[dict[str, Any]] = []
        self.post_process = bool(post_process)
        if tool_result is not None or tool_prompt is not None:
            self.set_tool_response(tool_result, tool_prompt)

    def __repr__(self) -> str:
        return f"FunctionResult(response={self.response!r}, actions={len(self.action)})"

    # -- core -------------------------------------------------------------------------------

    def set_response(self, response: str) -> FunctionResult:
        """Set the text the AI reads as the tool's result."""
        self.response = response
        return self

    def set_tool_response(
        self, tool_result: str | None = None, tool_prompt: str | None = None
    ) -> FunctionResult:
        """Set a structured response: ``{"tool_result", "tool_prompt"}``."""
        resp: dict[str, Any] = {}
        if tool_result is not None:
            resp["tool_result"] = tool_result
        if tool_prompt is not None:
            resp["tool_prompt"] = tool_prompt
        self.response = resp
        return self

    def set_post_process(self, post_process: bool) -> FunctionResult:
        """Let the AI speak once more before the actions run."""
        self.post_process = bool(post_process)
        return self

    def add_action(self, name: str, data: Any) -> FunctionResult:
        """Append the raw action ``{name: data}``."""
        self.action.append({name: data})
        return self

    def add_actions(self, actions: Iterable[Mapping[str, Any]]) -> FunctionResult:
        """Append several raw action dicts."""
        for item in actions:
            if not isinstance(item, Mapping):
                raise TypeError(f"each action must be a dict, got {type(item).__name__}")
            self.action.append(dict(item))
        return self

    def to_dict(self) -> dict[str, Any]:
        """The wire form sent back to the platform."""
        out: dict[str, Any] = {}
        if self.response:
            out["response"] = self.response
        if self.action:
            out["action"] = list(self.action)
            if self.post_process:
                out["post_process"] = True
        if not out:
            out["response"] = "Action completed."
        return out

    # -- call control (SWML-wrapped) ----------------------------------------------------------

    def connect(
        self, destination: str, final: bool = True, from_addr: str | None = None
    ) -> FunctionResult:
        """Transfer the call to a number or SIP address; ``final=False`` returns to the AI."""
        config: dict[str, Any] = {"to": destination}
        if from_addr is not None:
            config["from"] = from_addr
        self.action.append({"SWML": _swml({"connect": config}), "transfer": _flag(final)})
        return self

    def swml_transfer(self, dest: str, ai_response: str, final: bool = True) -> FunctionResult:
        """Transfer to another SWML endpoint; ``ai_response`` is said if the call comes back."""
        doc = _swml({"set": {"ai_response": ai_response}}, {"transfer": {"dest": dest}})
        self.action.append({"SWML": doc, "transfer": _flag(final)})
        return self

    def execute_swml(self, swml_content: Any, transfer: bool = False) -> FunctionResult:
        """Run a SWML document (a dict, a JSON string or an object with ``to_dict()``)."""
        if isinstance(swml_content, str):
            try:
                doc: Any = json.loads(swml_content)
            except ValueError:
                doc = {"raw_swml": swml_content}
        elif hasattr(swml_content, "to_dict"):
            doc = swml_content.to_dict()
        elif isinstance(swml_content, Mapping):
            doc = dict(swml_content)
        else:
            raise TypeError(
                f"swml_content must be a dict, a JSON string or have to_dict(); "
                f"got {type(swml_content).__name__}"
            )
        action: dict[str, Any] = {"SWML": doc}
        if transfer:
            action["transfer"] = "true"
        self.action.append(action)
        return self

    def hangup(self) -> FunctionResult:
        """End the call."""
        return self.add_action("hangup", True)

    def hold(
        self,
        prompt: str | int | None = None,
        timeout: int = 300,
        step: str | None = None,
        timeout_step: str | None = None,
    ) -> FunctionResult:
        """Put the caller on hold for ``timeout`` seconds (clamped to 0..900)."""
        if isinstance(prompt, int) and not isinstance(prompt, bool):
            timeout = prompt
            prompt = None
        timeout = max(0, min(int(timeout), 900))
        if step is not None or timeout_step is not None:
            hold: Any = {"timeout": timeout}
            if step is not None:
                hold["step"] = step
            if timeout_step is not None:
                hold["timeout_step"] = timeout_step
        else:
            hold = timeout
        if isinstance(prompt, str) and prompt:
            self.set_tool_response("status: on hold", prompt)
            self.post_process = True
        return self.add_action("hold", hold)

    def wait_for_user(
        self, enabled: bool | None = None, timeout: int | None = None, answer_first: bool = False
    ) -> FunctionResult:
        """Control how the AI waits for the caller to speak."""
        value: Any
        if answer_first:
            value = "answer_first"
        elif timeout is not None:
            value = int(timeout)
        elif enabled is not None:
            value = bool(enabled)
        else:
            value = True
        return self.add_action("wait_for_user", value)

    def stop(self) -> FunctionResult:
        """Stop the AI agent."""
        return self.add_action("stop", True)

    def say(self, text: str) -> FunctionResult:
        """Have the AI say ``text``."""
        return self.add_action("say", text)

    def play_background_file(self, filename: str, wait: bool = False) -> FunctionResult:
        """Play an audio file in the background."""
        return self.add_action(
            "playback_bg", {"file": filename, "wait": True} if wait else filename
        )

    def stop_background_file(self) -> FunctionResult:
        """Stop the background audio."""
        return self.add_action("stop_playback_bg", True)

    # -- data -----------------------------------------------------------------------------------

    def update_global_data(self, data: Mapping[str, Any]) -> FunctionResult:
        """Merge keys into the call's global_data."""
        return self.add_action("set_global_data", dict(data))

    def remove_global_data(self, keys: str | list[str]) -> FunctionResult:
        """Remove keys from global_data."""
        return self.add_action("unset_global_data", keys)

    def set_metadata(self, data: Mapping[str, Any]) -> FunctionResult:
        """Merge keys into the function's meta_data (scoped by its meta_data_token)."""
        return self.add_action("set_meta_data", dict(data))

    def remove_metadata(self, keys: str | list[str]) -> FunctionResult:
        """Remove keys from the function's meta_data."""
        return self.add_action("unset_meta_data", keys)

    def set_semantic_state(self, state: Mapping[str, Any]) -> FunctionResult:
        """Store ``state`` under ``global_data.semantic_state``."""
        return self.add_action("set_global_data", {"semantic_state": dict(state)})

    # -- conversation -----------------------------------------------------------------------------

    def swml_user_event(self, event_data: Any) -> FunctionResult:
        """Send a user event to the client (SWML ``user_event``)."""
        self.action.append({"SWML": _swml({"user_event": {"event": event_data}})})
        return self

    def swml_change_step(self, step_name: str) -> FunctionResult:
        """Move to another step of the current context."""
        return self.add_action("change_step", step_name)

    def swml_change_context(self, context_name: str) -> FunctionResult:
        """Switch to another context."""
        return self.add_action("change_context", context_name)

    def switch_context(
        self,
        system_prompt: str | None = None,
        user_prompt: str | None = None,
        consolidate: bool = False,
        full_reset: bool = False,
    ) -> FunctionResult:
        """Replace the system prompt (and optionally inject a user message)."""
        if system_prompt is not None and not (user_prompt or consolidate or full_reset):
            return self.add_action("context_switch", system_prompt)
        data: dict[str, Any] = {}
        if system_prompt is not None:
            data["system_prompt"] = system_prompt
        if user_prompt is not None:
            data["user_prompt"] = user_prompt
        if consolidate:
            data["consolidate"] = True
        if full_reset:
            data["full_reset"] = True
        return self.add_action("context_switch", data)

    def add_dynamic_hints(self, hints: list[str | dict[str, Any]]) -> FunctionResult:
        """Add speech-recognition hints for the rest of the call."""
        return self.add_action("add_dynamic_hints", list(hints))

    def clear_dynamic_hints(self) -> FunctionResult:
        """Remove the hints added with :meth:`add_dynamic_hints`."""
        return self.add_action("clear_dynamic_hints", {})

    def set_end_of_speech_timeout(self, milliseconds: int) -> FunctionResult:
        """Change the end-of-speech timeout."""
        return self.add_action("end_of_speech_timeout", milliseconds)

    def set_speech_event_timeout(self, milliseconds: int) -> FunctionResult:
        """Change the speech-event timeout."""
        return self.add_action("speech_event_timeout", milliseconds)

    def toggle_functions(self, function_toggles: list[dict[str, Any]]) -> FunctionResult:
        """Activate or deactivate functions: ``[{"function": name, "active": bool}]``."""
        for item in function_toggles:
            if not isinstance(item, Mapping) or "function" not in item:
                raise ValueError("each toggle must be a dict with 'function' and 'active' keys")
        return self.add_action("toggle_functions", [dict(t) for t in function_toggles])

    def enable_functions_on_timeout(self, enabled: bool = True) -> FunctionResult:
        """Allow function calls when the speaker times out."""
        return self.add_action("functions_on_speaker_timeout", bool(enabled))

    def enable_extensive_data(self, enabled: bool = True) -> FunctionResult:
        """Send full data to the LLM for this turn."""
        return self.add_action("extensive_data", bool(enabled))

    def replace_in_history(self, text: str | bool = True) -> FunctionResult:
        """Replace this tool call in the conversation history (``True`` removes it)."""
        return self.add_action("replace_in_history", text)

    def update_settings(self, settings: Mapping[str, Any]) -> FunctionResult:
        """Change AI settings (temperature, top_p, ...) for the rest of the call."""
        return self.add_action("settings", dict(settings))

    def simulate_user_input(self, text: str) -> FunctionResult:
        """Inject ``text`` as if the caller said it."""
        return self.add_action("user_input", text)

    def change_voice(self, voice: str) -> FunctionResult:
        """Switch the TTS voice."""
        return self.add_action("change_voice", voice)

    # -- messaging, recording, media (SWML-wrapped) ---------------------------------------

    def send_sms(
        self,
        to_number: str,
        from_number: str,
        body: str | None = None,
        media: list[str] | None = None,
        tags: list[str] | None = None,
        region: str | None = None,
    ) -> FunctionResult:
        """Send an SMS or MMS; needs ``body`` or ``media``."""
        if not body and not media:
            raise ValueError("send_sms needs a body or media")
        config: dict[str, Any] = {"to_number": to_number, "from_number": from_number}
        if body:
            config["body"] = body
        if media:
            config["media"] = list(media)
        if tags:
            config["tags"] = list(tags)
        if region:
            config["region"] = region
        self.action.append({"SWML": _swml({"send_sms": config})})
        return self

    def record_call(
        self,
        control_id: str | None = None,
        stereo: bool = False,
        format: str = "wav",
        direction: str = "both",
        terminators: str | None = None,
        beep: bool = False,
        input_sensitivity: float = 44.0,
        initial_timeout: float | None = None,
        end_silence_timeout: float | None = None,
        max_length: float | None = None,
        status_url: str | None = None,
    ) -> FunctionResult:
        """Start recording the call in the background."""
        if format not in ("wav", "mp3", "mp4"):
            raise ValueError(f"format must be 'wav', 'mp3' or 'mp4', got {format!r}")
        if direction not in ("speak", "listen", "both"):
            raise ValueError(f"direction must be 'speak', 'listen' or 'both', got {direction!r}")
        config: dict[str, Any] = {
            "stereo": stereo,
            "format": format,
            "direction": direction,
            "beep": beep,
            "input_sensitivity": input_sensitivity,
        }
        optional = {
            "control_id": control_id,
            "terminators": terminators,
            "initial_timeout": initial_timeout,
            "end_silence_timeout": end_silence_timeout,
            "max_length": max_length,
            "status_url": status_url,
        }
        config.update({k: v for k, v in optional.items() if v is not None})
        self.action.append({"SWML": _swml({"record_call": config})})
        return self

    def stop_record_call(self, control_id: str | None = None) -> FunctionResult:
        """Stop a background recording."""
        config = {"control_id": control_id} if control_id else {}
        self.action.append({"SWML": _swml({"stop_record_call": config})})
        return self

    def tap(
        self,
        uri: str,
        control_id: str | None = None,
        direction: str = "both",
        codec: str = "PCMU",
        rtp_ptime: int = 20,
        status_url: str | None = None,
    ) -> FunctionResult:
        """Stream the call's audio to an rtp://, ws:// or wss:// URI."""
        if not uri.startswith(("rtp://", "ws://", "wss://")):
            raise ValueError(f"tap uri must start with rtp://, ws:// or wss://, got {uri!r}")
        if direction not in ("speak", "listen", "both"):
            raise ValueError(f"direction must be 'speak', 'listen' or 'both', got {direction!r}")
        _one_of("codec", codec, _TAP_CODECS)
        if isinstance(rtp_ptime, bool) or not isinstance(rtp_ptime, int) or rtp_ptime <= 0:
            raise ValueError(f"rtp_ptime must be a positive integer, got {rtp_ptime!r}")
        config: dict[str, Any] = {"uri": uri, "direction": direction}
        if control_id:
            config["control_id"] = control_id
        if codec != "PCMU":
            config["codec"] = codec
        if rtp_ptime != 20:
            config["rtp_ptime"] = rtp_ptime
        if status_url:
            config["status_url"] = status_url
        self.action.append({"SWML": _swml({"tap": config})})
        return self

    def stop_tap(self, control_id: str | None = None) -> FunctionResult:
        """Stop a tap."""
        config = {"control_id": control_id} if control_id else {}
        self.action.append({"SWML": _swml({"stop_tap": config})})
        return self

    def join_room(self, name: str) -> FunctionResult:
        """Join a video room."""
        self.action.append({"SWML": _swml({"join_room": {"name": name}})})
        return self

    def sip_refer(self, to_uri: str) -> FunctionResult:
        """Send a SIP REFER to ``to_uri``."""
        self.action.append({"SWML": _swml({"sip_refer": {"to_uri": to_uri}})})
        return self

    def join_conference(
        self,
        name: str,
        muted: bool = False,
        beep: str = "true",
        start_on_enter: bool = True,
        end_on_exit: bool = False,
        wait_url: str | None = None,
        max_participants: int | None = None,
        record: str = "do-not-record",
        region: str | None = None,
        trim: str = "trim-silence",
        coach: str | None = None,
        status_callback_event: str | None = None,
        status_callback: str | None = None,
        status_callback_method: str = "POST",
        recording_status_callback: str | None = None,
        recording_status_callback_method: str = "POST",
        recording_status_callback_event: str = "completed",
        result: Any = None,
    ) -> FunctionResult:
        """Join a conference; with every option at its default the config is just the name."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError("join_conference needs a non-empty conference name")
        _one_of("beep", beep, _BEEP)
        _one_of("record", record, _CONF_RECORD)
        _one_of("trim", trim, _CONF_TRIM)
        _one_of("status_callback_method", status_callback_method, _CALLBACK_METHODS)
        _one_of(
            "recording_status_callback_method", recording_status_callback_method, _CALLBACK_METHODS
        )
        if max_participants is not None and (
            isinstance(max_participants, bool)
            or not isinstance(max_participants, int)
            or max_participants < 2
        ):
            raise ValueError(
                f"max_participants must be an integer of at least 2, got {max_participants!r}"
            )
        options: list[tuple[str, Any, Any]] = [
            ("muted", muted, False),
            ("beep", beep, "true"),
            ("start_on_enter", start_on_enter, True),
            ("end_on_exit", end_on_exit, False),
            ("wait_url", wait_url, None),
            ("max_participants", max_participants, None),
            ("record", record, "do-not-record"),
            ("region", region, None),
            ("trim", trim, "trim-silence"),
            ("coach", coach, None),
            ("status_callback_event", status_callback_event, None),
            ("status_callback", status_callback, None),
            ("status_callback_method", status_callback_method, "POST"),
            ("recording_status_callback", recording_status_callback, None),
            ("recording_status_callback_method", recording_status_callback_method, "POST"),
            ("recording_status_callback_event", recording_status_callback_event, "completed"),
            ("result", result, None),
        ]
        changed = {key: value for key, value, default in options if value != default}
        config: Any = {"name": name, **changed} if changed else name
        self.action.append({"SWML": _swml({"join_conference": config})})
        return self

    def pay(
        self,
        payment_connector_url: str,
        input_method: str = "dtmf",
        status_url: str | None = None,
        payment_method: str = "credit-card",
        timeout: int = 5,
        max_attempts: int = 1,
        security_code: bool = True,
        postal_code: bool | str = True,
        min_postal_code_length: int = 0,
        token_type: str = "reusable",
        charge_amount: str | None = None,
        currency: str = "usd",
        language: str = "en-US",
        voice: str = "woman",
        description: str | None = None,
        valid_card_types: str = "visa mastercard amex",
        parameters: list[dict[str, Any]] | None = None,
        prompts: list[dict[str, Any]] | None = None,
        ai_response: str = (
            "The payment status is ${pay_result}, do not mention anything else about "
            "collecting payment if successful."
        ),
    ) -> FunctionResult:
        """Collect a card payment; the platform reads numbers and flags as strings."""

        def text(value: Any) -> str:
            return _flag(value) if isinstance(value, bool) else str(value)

        config: dict[str, Any] = {
            "payment_connector_url": payment_connector_url,
            "input": input_method,
            "payment_method": payment_method,
            "timeout": text(timeout),
            "max_attempts": text(max_attempts),
            "security_code": text(security_code),
            "min_postal_code_length": text(min_postal_code_length),
            "token_type": token_type,
            "currency": currency,
            "language": language,
            "voice": voice,
            "valid_card_types": valid_card_types,
            "postal_code": text(postal_code),
        }
        if charge_amount is not None:
            config["charge_amount"] = str(charge_amount)
        if status_url:
            config["status_url"] = status_url
        if description:
            config["description"] = description
        if parameters:
            config["parameters"] = list(parameters)
        if prompts:
            config["prompts"] = list(prompts)
        doc = _swml({"set": {"ai_response": ai_response}}, {"pay": config})
        self.action.append({"SWML": doc})
        return self

    @staticmethod
    def create_payment_prompt(
        for_situation: str,
        actions: list[dict[str, str]],
        card_type: str | None = None,
        error_type: str | None = None,
    ) -> dict[str, Any]:
        """Build one entry of ``pay(prompts=...)``."""
        prompt: dict[str, Any] = {"for": for_situation, "actions": list(actions)}
        if card_type:
            prompt["card_type"] = card_type
        if error_type:
            prompt["error_type"] = error_type
        return prompt

    @staticmethod
    def create_payment_action(action_type: str, phrase: str) -> dict[str, str]:
        """Build one action of a payment prompt (``Say`` or ``Play``)."""
        return {"type": action_type, "phrase": phrase}

    @staticmethod
    def create_payment_parameter(name: str, value: str) -> dict[str, str]:
        """Build one entry of ``pay(parameters=...)``."""
        return {"name": name, "value": value}

    # -- RPC -------------------------------------------------------------------------------------

    def execute_rpc(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        call_id: str | None = None,
        node_id: str | None = None,
    ) -> FunctionResult:
        """Run a calling RPC method from SWML (``execute_rpc``)."""
        config: dict[str, Any] = {"method": method}
        if call_id:
            config["call_id"] = call_id
        if node_id:
            config["node_id"] = node_id
        if params:
            config["params"] = dict(params)
        self.action.append({"SWML": _swml({"execute_rpc": config})})
        return self

    def rpc_dial(
        self, to_number: str, from_number: str, dest_swml: str, device_type: str = "phone"
    ) -> FunctionResult:
        """Dial out and run ``dest_swml`` on the new leg."""
        params = {
            "devices": {
                "type": device_type,
                "params": {"to_number": to_number, "from_number": from_number},
            },
            "dest_swml": dest_swml,
        }
        return self.execute_rpc("dial", params)

    def rpc_ai_message(
        self,
        call_id: str,
        message_text: str | None = None,
        role: str = "system",
        global_data: Mapping[str, Any] | None = None,
    ) -> FunctionResult:
        """Inject a message into the AI agent running on another call."""
        params: dict[str, Any] = {}
        if message_text is not None:
            # The role only means something with a message to attach it to.
            params["role"] = role
            params["message_text"] = message_text
        if global_data is not None:
            params["global_data"] = dict(global_data)
        return self.execute_rpc("ai_message", params, call_id=call_id)

    def rpc_ai_global_data(self, call_id: str, data: Mapping[str, Any]) -> FunctionResult:
        """Update global_data of the AI agent running on another call."""
        return self.execute_rpc("ai_message", {"global_data": dict(data)}, call_id=call_id)

    def rpc_ai_unhold(self, call_id: str) -> FunctionResult:
        """Take another call's AI session off hold."""
        return self.execute_rpc("ai_unhold", call_id=call_id)


SwaigFunctionResult = FunctionResult
"""The class's earlier name, kept so existing code runs unchanged."""
