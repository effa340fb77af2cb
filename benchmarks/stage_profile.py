"""Where the time of one derivation goes: cProfile over a fresh `str(derive(...))`, each
function's self time charged to the pipeline stage of its package (matcalc/syntax: parse,
lower, diff: differentiate, simplify, render); time in shared code (matcalc/core, lark, builtins)
is charged to the stages of its callers in proportion to the time spent under each call site
(gprof's approximation). Used by derive_speed.py; `forget_matcalc` is its "fresh".
"""
from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

from matcalc import derive

STAGES = {"syntax": "parse", "lower": "lower", "diff": "differentiate", "simplify": "simplify",
          "render": "render"}
COLUMNS = [*STAGES.values(), "other"]


def forget_matcalc() -> None:
    """Clear what matcalc remembers across calls (parsed and lowered programs, simplified
    nodes), as SymPy's cache is cleared for its cold time."""
    from matcalc import api
    from matcalc.simplify import engine
    from matcalc.syntax import parser
    api._remembered.cache_clear()
    parser._remembered.cache_clear()
    engine._DONE.clear()


def stage_of(func: tuple) -> str | None:
    parts = Path(func[0]).parts
    for i, part in enumerate(parts[:-1]):
        if part == "matcalc" and parts[i + 1] in STAGES:
            return STAGES[parts[i + 1]]
    return None


def label(func: tuple) -> str:
    path, line, name = func
    if path == "~":
        return name
    parts = Path(path).parts
    root = [i for i, part in enumerate(parts) if part in ("matcalc", "site-packages")]
    short = "/".join(parts[root[-1] + (parts[root[-1]] != "matcalc"):] if root else parts[-2:])
    return f"{short}:{name}"


def profile(case, repeat: int) -> tuple[dict, dict]:
    """(ms per call by stage, {stage: {function: ms per call charged}}) under cProfile, each
    call fresh (what matcalc remembers cleared first, outside the profile)."""
    _, _, expr, wrt, vars, _ = case
    prof = cProfile.Profile()
    for _ in range(repeat):
        forget_matcalc()
        prof.enable()
        str(derive(expr, wrt, vars))
        prof.disable()
    stats = pstats.Stats(prof).stats
    memo: dict = {}
    busy: set = set()

    def charge(func) -> dict:
        """{stage: share} of func's self time, split over its callers by the time under each
        call site; callers already being charged (a cycle) are left out."""
        if (stage := stage_of(func)) is not None:
            return {stage: 1.0}
        if func not in memo:
            busy.add(func)
            out: dict = {}
            for c, edge in stats[func][4].items():
                if c not in busy and c in stats:
                    for stage, share in charge(c).items():
                        out[stage] = out.get(stage, 0.0) + share * (edge[3] or 1e-9)
            busy.discard(func)
            total = sum(out.values())
            if not total:
                return {} if busy else {"other": 1.0}  # inside a cycle: the caller decides
            memo[func] = {stage: share / total for stage, share in out.items()}
        return memo[func]

    by_stage = dict.fromkeys(COLUMNS, 0.0)
    funcs: dict = {s: {} for s in COLUMNS}
    for func, (_, _, tt, _, _) in stats.items():
        for stage, share in charge(func).items():
            by_stage[stage] += tt * share * 1000 / repeat
            funcs[stage][func] = funcs[stage].get(func, 0.0) + tt * share * 1000 / repeat
    return by_stage, funcs
