"""Importing signalwire.core has no side effects; signalwire stays a PEP 420 namespace."""

from __future__ import annotations

import pytest

from signalwire_devtools.hygiene import assert_clean_import, probe_import


def test_import_is_side_effect_free() -> None:
    result = assert_clean_import("signalwire.core")
    # The converter factory loads cattrs on first use, not at import.
    assert "cattrs" not in result["top_level"]
    assert "attrs" not in result["top_level"]
    # Every namespace imports core: it loads itself, its version and the lazy-export helper
    # every namespace uses, nothing else (each name loads with its module on first access,
    # with the stdlib modules it uses).
    # (the probe itself loads json and logging: compare with a probe of an already-loaded module)
    added = set(result["modules"]) - set(probe_import("os")["modules"])
    assert added == {
        "signalwire",
        "signalwire.core",
        "signalwire.core._lazy",
        "signalwire.core._version",
    }


def test_lazy_credential_names_resolve() -> None:
    import signalwire.core as core

    assert core.normalize_space("example").host == "example.signalwire.com"
    assert core.Space is core._credentials.Space
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        core.nope  # noqa: B018


def test_lazy_converter_names_resolve() -> None:
    import signalwire.core as core

    assert core.make_converter().omit_if_default is True
    assert callable(core.structure)
    assert callable(core.configure_converter)


def test_signalwire_is_a_pep420_namespace() -> None:
    import signalwire

    assert getattr(signalwire, "__file__", None) is None
    assert signalwire.__spec__ is not None
    assert signalwire.__spec__.origin in (None, "namespace")


def test_core_public_api_is_documented() -> None:
    import signalwire.core as core
    import signalwire.core.security as security

    assert len(core.__all__) == len(set(core.__all__))
    for module in (core, security):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                assert obj.__doc__, f"{module.__name__}.{name} has no docstring"
