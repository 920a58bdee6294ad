"""The curated library API: what `import pipeline` promises exists and is documented."""

from __future__ import annotations

import inspect

import pipeline


def test_every_name_in_all_exists():
    assert len(set(pipeline.__all__)) == len(pipeline.__all__)
    for name in pipeline.__all__:
        assert hasattr(pipeline, name), name


def test_every_public_function_and_class_says_why_it_exists():
    for name in pipeline.__all__:
        obj = getattr(pipeline, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert (obj.__doc__ or "").strip(), f"{name} has no docstring"


def test_every_user_facing_error_is_a_pipeline_error():
    for name in pipeline.__all__:
        obj = getattr(pipeline, name)
        if inspect.isclass(obj) and name.endswith("Error"):
            assert issubclass(obj, pipeline.PipelineError), name
