"""Replay pages: a small web app (`webconf serve`) and a static export (`webconf site`).

Both render the same autoescaped Jinja templates and use the same static script;
`create_app` and `export_site` are imported lazily so the pipeline itself never
needs Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.web.app import create_app
    from pipeline.web.site import export_site

__all__ = ["create_app", "export_site"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from pipeline.web.app import create_app

        return create_app
    if name == "export_site":
        from pipeline.web.site import export_site

        return export_site
    raise AttributeError(name)
