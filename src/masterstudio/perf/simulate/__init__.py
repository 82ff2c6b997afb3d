"""A full simulated year through the services: the benchmark's "year" figure.

Set-up (not timed, written in bulk by the generator): units with their people and accounts, the
expert pool, the round open now with its rubric, and ``applications`` complete drafts with their
materials (what the wizard leaves behind).

Timed, every step through the same service a page calls: submission (Art. 9), material review
with the engine's re-evaluation, the checklist saved with the conclusion in one submit (one audit
event per line), site inspection, a random draw of three experts for each application (each its
own experts, drawn for a page of 50 ticked applications at a time, the evaluation page's
"各自抽取"), each expert's declaration of no conflict for their tasks at once and sealed scores,
opened together ("开封全部已评完的申报"), the comprehensive evaluation, the public notice of 5
working days, recognition with the Art. 14 initial grant once the notice period is over, and the
annual assessment of the recognised studios (draw, scoring, grades, publication with the 优秀
rewards and the rectifications).
Outcomes: of 1,000 applications, 10% fail material review, 5% the site inspection, the rest are
ranked and the first ``studios`` are proposed.

``actors``: how many people act at once. A year is not one clerk doing everything in turn: units
submit side by side on deadline day, several reviewers work through the queue, experts score in
parallel. Each step's items are dealt to ``actors`` processes (forked, each with its own database
connection, as separate app servers or workers would be) and the next step starts when all have
finished; the steps that are one call for the whole round (the notice, recognition, the
assessment draw, computation and publication) run once. With ``actors=1`` everything runs in this
process, one item after another.
"""

from masterstudio.perf.simulate.machinery import clock_from, in_parallel, refresh_statistics
from masterstudio.perf.simulate.runner import run, setup

__all__ = ["clock_from", "in_parallel", "refresh_statistics", "run", "setup"]
