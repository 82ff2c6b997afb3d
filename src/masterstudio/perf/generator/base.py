"""The generator's base: its state and the helpers its steps share."""

from __future__ import annotations

import random
import time
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from masterstudio.core import transitions
from masterstudio.perf.generator.context import GIVEN, SURNAMES, Ctx, Scale


class GeneratorBase:
    """The generator's state and the helpers every step uses (names, serials, files, events, the step timer)."""

    def __init__(self, seed: int, scale: Scale, *, log=print, today: date | None = None, drafts_only: bool = False):
        self.drafts_only = drafts_only  # the simulated year: every application a complete draft of the open round
        now = timezone.now()
        today = today or timezone.localdate(now)
        self.c = Ctx(seed=seed, scale=scale, rng=random.Random(seed), now=now, today=today, year=today.year, log=log)
        self._serial = 0
        self._names = 0

    def name(self) -> str:
        self._names += 1
        rng = self.c.rng
        return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")

    def serial(self) -> int:
        self._serial += 1
        return self._serial

    def store(self, path: str, content: bytes) -> str:
        return default_storage.save(path, ContentFile(content))

    def ct(self, model) -> ContentType:
        return ContentType.objects.get_for_model(model)

    def event(
        self,
        action: str,
        at: datetime,
        *,
        obj=None,
        actor=None,
        from_state="",
        to_state="",
        reason="",
        clause="",
        data=None,
    ):
        self.c.events.append((at, action, obj, actor, from_state, to_state, reason, clause, data or {}))

    def step(self, label: str, fn):
        started = time.perf_counter()
        # the documented door (core.transitions.seed): a synthetic history is written row by row in
        # the states its story reached, its events written alongside (``self.event``), not replayed
        # through the transition tables
        with transitions.seed(f"perf generator ({label}): a synthetic history written in its final states"):
            fn()
        self.c.log(f"  {label}: {time.perf_counter() - started:.1f} s")
