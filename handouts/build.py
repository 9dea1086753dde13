"""Build handouts: record -> fitted HTML -> one-page PDF on disk, one result per drug.

One drug failing never stops the others: each result says what happened to its drug.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import assets, config, fit, html, pdf
from . import brand as brand_module
from .brand import DEFAULT, Brand
from .errors import BuildError, InputError
from .handout import Cuts, plan
from .options import BuildOptions
from .workspace import Catalog, Drug


@dataclass
class Result:
    drug: str
    status: str  # "built" or "failed"
    path: Path | None = None
    message: str = ""
    passes: int = 0
    dropped: list[str] = field(default_factory=list)
    scale: float = 1.0

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass
class Context:
    """Everything shared by the handouts of one build: parsed once, used for every drug."""

    root: Path
    options: BuildOptions
    brand: Brand
    renderer: pdf.Renderer
    env: object

    @property
    def paper(self) -> str:
        return self.options.paper or self.brand.paper

    @property
    def output(self) -> Path:
        return self.options.output or self.root / "out"


def context(root: Path, options: BuildOptions, brand: Brand = DEFAULT) -> Context:
    stylesheets = [assets.styles_dir() / "handout.css"]
    if brand.css:
        stylesheets.append(brand.css)
    renderer = pdf.Renderer(
        stylesheets=stylesheets, roots=[root, assets.styles_dir(), assets.templates_dir()], strict=options.strict
    )
    return Context(root=root, options=options, brand=brand, renderer=renderer, env=html.environment(root, brand))


def select(catalog: Catalog, names: tuple[str, ...] | list[str]) -> list[Drug]:
    """The drugs named (generic or brand, any case), or every drug when none is named."""
    if not names:
        return list(catalog.drugs)
    return [catalog.find(name) for name in names]


def fitted(drug: Drug, ctx: Context, made: dt.date | None = None) -> fit.Fitted:
    """The drug's handout laid out on exactly one page (or a BuildError)."""
    problems = drug.problems
    if problems:
        raise BuildError(f"{drug.name}: {problems[0]}")

    def layout(cuts: Cuts):
        page = html.render(ctx.env, plan(drug.record, cuts, made), ctx.brand, cuts, ctx.paper)
        return ctx.renderer.layout(page, ctx.root), page

    return fit.fit(drug.record, layout)


def build_drug(drug: Drug, ctx: Context) -> Result:
    target = ctx.output / drug.filename
    ctx.renderer.warnings.clear()
    try:
        result = fitted(drug, ctx, ctx.options.date)
        pdf.write_atomically(pdf.pdf_bytes(result.document, result.html), target)
    except (BuildError, InputError) as error:
        return Result(drug.name, "failed", message=str(error))
    return Result(
        drug.name, "built", target, passes=result.passes,
        dropped=result.cuts.dropped(drug.record), scale=result.cuts.scale,
    )


def chosen_brand(root: Path, options: BuildOptions) -> Brand:
    """The brand named in the options, else the workspace's, else the neutral default."""
    return brand_module.load(root, options.brand or config.load(root).brand)


def build(root: Path, catalog: Catalog, names, options: BuildOptions, brand: Brand | None = None) -> list[Result]:
    """Build the named drugs (all when none is named). Bad names or a bad brand raise InputError
    before anything is built; a drug that cannot be made is a failed Result, not an exception."""
    drugs = select(catalog, names)
    ctx = context(root, options, brand or chosen_brand(root, options))
    return [build_drug(drug, ctx) for drug in drugs]


def describe(result: Result) -> str:
    """One line for the user about one handout."""
    if not result.ok:
        return f"FAILED {result.drug}: {result.message}"
    where = os.path.relpath(result.path) if result.path.resolve().is_relative_to(Path.cwd()) else result.path
    note = f" (left out: {'; '.join(result.dropped)})" if result.dropped else ""
    small = f" (type at {result.scale:.0%})" if result.scale < 1 else ""
    return f"built {where}{small}{note}"


def summary(results: list[Result]) -> str:
    built = sum(r.ok for r in results)
    failed = [r.drug for r in results if not r.ok]
    text = f"{built} built, {len(failed)} failed"
    return text + (f": {', '.join(failed)}" if failed else "")
