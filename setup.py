"""The C word-similarity kernel (src/redline/matching/_kernel.c); everything else about
the package is in pyproject.toml.

The extension is optional: where no C compiler is found, the install still succeeds and
redline computes the same similarities with numpy (redline.matching.similarity).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "redline.matching._kernel",
            ["src/redline/matching/_kernel.c"],
            extra_compile_args=["-O3"],
            optional=True,
        )
    ]
)
