"""What ``sw-agent-init`` writes: the files of a project, as text, before anything touches disk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import PackageNotFoundError, version

__all__ = [
    "DEFAULT_REGIONS",
    "PLATFORMS",
    "TYPES",
    "Project",
    "class_name_for",
    "plan_files",
    "render",
    "requirement",
    "valid_name",
    "valid_region",
]

PLATFORMS = ("local", "aws", "gcp", "azure")
TYPES = ("basic", "full")
DEFAULT_REGIONS = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}

# Lowercase letters, digits and single hyphens, starting with a letter: the names AWS
# Lambda, Cloud Functions, Azure function apps and Dokku all accept.
_NAME = re.compile(r"^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){1,39}$")
_REGION = {
    "aws": re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d$"),
    "gcp": re.compile(r"^[a-z]+-[a-z]+\d$"),
    "azure": re.compile(r"^[a-z]+\d?$"),
}
#: The entry module of each platform (what swaig-test and the platform load).
ENTRY = {"local": "app", "aws": "handler", "gcp": "main", "azure": "function_app"}


def valid_name(name: str) -> bool:
    """True for a project name every platform accepts (``my-agent``)."""
    return bool(_NAME.match(name))


def valid_region(platform: str, region: str) -> bool:
    """True when ``region`` looks like one of ``platform``'s region names."""
    return bool(_REGION[platform].match(region))


def class_name_for(name: str) -> str:
    """``my-agent`` -> ``MyAgent``; ``support`` -> ``SupportAgent``."""
    words = "".join(part.capitalize() for part in name.split("-"))
    return words if words.endswith("Agent") else words + "Agent"


def requirement(distribution: str) -> str:
    """``dist>=X.Y.Z,<X+1`` for the installed version of ``dist``.

    The upper bound keeps installers on this SDK's line: PyPI's ``signalwire-agents`` 1.x
    is a different, older project under the same name.
    """
    try:
        current = version(distribution)
    except PackageNotFoundError:
        if distribution != "signalwire-agents":
            # Not installed here (e.g. signalwire-testing): its own version line, not this
            # package's, so no pin; signalwire-testing[agents] itself requires this line.
            return distribution
        from signalwire.agents._version import __version__ as current  # a source tree
    release = re.match(r"^(\d+)\.(\d+)\.(\d+)", current)
    if release is None:
        return distribution
    major = int(release.group(1))
    return f"{distribution}>={release.group(0)},<{major + 1}"


@dataclass(frozen=True)
class Project:
    """The choices that decide the files."""

    name: str
    platform: str = "local"
    type: str = "basic"
    region: str | None = None

    @property
    def title(self) -> str:
        """``my-agent`` -> ``My Agent`` (used in prompts and docs)."""
        return " ".join(part.capitalize() for part in self.name.split("-"))

    @property
    def entry(self) -> str:
        """The module the platform (and swaig-test) loads."""
        return ENTRY[self.platform]


def _template(name: str) -> str:
    return (resources.files(__package__) / "templates" / f"{name}.tmpl").read_text("utf-8")


def render(name: str, values: dict[str, str]) -> str:
    """Template ``name`` with each ``{{key}}`` replaced by its value."""
    text = _template(name)
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def plan_files(project: Project) -> dict[str, str]:
    """Relative path -> file content, for every file of ``project``."""
    region = project.region or DEFAULT_REGIONS.get(project.platform, "")
    values = {
        "name": project.name,
        "title": project.title,
        "class_name": class_name_for(project.name),
        "module": project.name.replace("-", "_"),
        "type": project.type,
        "region": region,
        "entry_module": project.entry,
    }
    runtime = [requirement("signalwire-agents")]
    if project.platform == "azure":
        runtime.append("azure-functions>=1.18")
    dev = [requirement("signalwire-testing").replace(">=", "[agents]>=", 1)]
    dev += ["pytest>=8", "pytest-asyncio>=0.24"]
    files = {
        "README.md": render(f"readme_{project.platform}.md", values),
        "agent.py": render(f"agent_{project.type}.py", values),
        "requirements.txt": "\n".join(runtime) + "\n",
        "requirements-dev.txt": "# Test tools: pip install -r requirements-dev.txt\n"
        + "\n".join(dev)
        + "\n",
        "pytest.ini": render("pytest.ini", values),
        ".gitignore": render("gitignore", values),
        "tests/test_agent.py": render(f"test_agent_{project.type}.py", values),
    }
    platform = project.platform
    if platform == "local":
        files["app.py"] = render("local_app.py", values)
        files[".env.example"] = render("env.example", values)
        files["tests/test_app.py"] = render("test_local.py", values)
        return files
    checks = render("serverless_checks.py", values)
    files[f"tests/test_{platform}.py"] = render(f"test_{platform}.py", values) + checks
    if platform == "aws":
        files["handler.py"] = render("aws_handler.py", values)
        files["template.yaml"] = render("aws_template.yaml", values)
        files["samconfig.toml"] = render("aws_samconfig.toml", values)
    elif platform == "gcp":
        files["main.py"] = render("gcp_main.py", values)
        files["deploy.sh"] = render("gcp_deploy.sh", values)
        files[".gcloudignore"] = render("gcp_gcloudignore", values)
    else:
        files["function_app.py"] = render("azure_function_app.py", values)
        files["host.json"] = render("azure_host.json", values)
        files["local.settings.json"] = render("azure_local.settings.json", values)
        files["deploy.sh"] = render("azure_deploy.sh", values)
        files[".funcignore"] = render("azure_funcignore", values)
    return files
