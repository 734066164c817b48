"""The files ``sw-agent-dokku init`` writes: an agent project plus what Dokku needs."""

from __future__ import annotations

from signalwire.agents._scaffold._plan import Project, class_name_for, plan_files, render

__all__ = ["DEFAULT_HOST", "dokku_files"]

DEFAULT_HOST = "dokku.example.com"


def dokku_files(
    name: str, *, host: str | None, web: bool, cicd: bool, dockerfile: bool
) -> dict[str, str]:
    """Relative path -> content of a Dokku project named ``name``."""
    base = plan_files(Project(name, "local", "basic"))
    route = "/agent" if web else "/"
    values = {
        "name": name,
        "title": Project(name).title,
        "class_name": class_name_for(name),
        "host": host or DEFAULT_HOST,
        "agent_route": route,
        "builder": "Dockerfile" if dockerfile else "Procfile with the Python buildpack",
        "builder_files": "`Dockerfile`, `app.json`"
        if dockerfile
        else "`Procfile`, `.python-version`, `app.json`",
    }
    files = {k: v for k, v in base.items() if k not in {"app.py", "README.md", "tests/test_app.py"}}
    files["README.md"] = render("readme_dokku.md", values)
    files["app.py"] = render("dokku_app_web.py" if web else "dokku_app.py", values)
    files["app.json"] = render("dokku_app.json", values)
    files["tests/test_app.py"] = render("dokku_test_app.py", values)
    if dockerfile:
        files["Dockerfile"] = render("dokku_Dockerfile", values)
    else:
        files["Procfile"] = render("dokku_Procfile", values)
        files[".python-version"] = "3.12\n"
    if web:
        files["web/index.html"] = render("dokku_index.html", values)
        files["tests/test_web.py"] = render("dokku_test_web.py", values)
    if cicd:
        files[".github/workflows/deploy.yml"] = render("dokku_deploy.yml", values)
    return files
