"""The demo clock (演示时钟): in demo mode only, staff move the whole server's date forward, so the
process can be tried without waiting five working days for a notice to close.

Everything in the platform that asks for today or now asks ``django.utils.timezone.now`` (directly,
through ``timezone.localdate()`` / ``localtime()``, ``auto_now`` fields or a model field's
``default=timezone.now``). That function is the one patch point: :func:`install` replaces it with
:func:`now` (the real time plus the demo offset) and points the model defaults captured at import at
it as well. Installed only when ``settings.DEMO_CLOCK`` is on, which the settings refuse without
``DEBUG`` (never in production). Times that must stay real — sessions, second-factor codes, rate
limits — use ``time.time()`` and are not moved.

The offset lives in a small file under ``VAR_DIR`` (demo only), so ``runserver`` and the commands
(``close_notices``, ``daily``) of the same installation see the same date; each request re-reads it.
"""

from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

_real_now = timezone.now
_offset = timedelta(0)
_loaded_at: float | None = None  # the file's modification time last read (None: never read)
_lock = threading.Lock()
_real: ContextVar[bool] = ContextVar("demo_clock_real", default=False)
MAX_DAYS = 3660  # ten years ahead at most


class ClockError(Exception):
    """A refused setting of the demo clock (Chinese message)."""


def installed() -> bool:
    return timezone.now is now


def real_now() -> datetime:
    return _real_now()


def offset() -> timedelta:
    return _offset


def now() -> datetime:
    """The platform's now: the real time plus the demo offset (zero unless moved)."""
    if _real.get():
        return _real_now()
    if _loaded_at is None:
        refresh()
    return _real_now() + _offset


# The clock's now stands in for ``django.utils.timezone.now`` and deconstructs as it: a migration file
# evaluates ``django.utils.timezone.now`` (this function, once installed) and the model defaults point
# here too, so makemigrations sees no change in demo mode and any migration it writes names
# ``django.utils.timezone.now`` as before.
now.__module__, now.__qualname__ = "django.utils.timezone", "now"


@contextmanager
def real_time():
    """Inside, now is the real time even with the demo clock moved (sessions keep real time, so
    moving the date does not sign everyone out)."""
    token = _real.set(True)
    try:
        yield
    finally:
        _real.reset(token)


def _path() -> str:
    return os.path.join(str(settings.VAR_DIR), "demo_clock.json")


def refresh() -> None:
    """Read the offset from its file when the file changed since the last read."""
    global _offset, _loaded_at
    path = _path()
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        _offset, _loaded_at = timedelta(0), 0.0
        return
    if mtime == _loaded_at:
        return
    with _lock:
        try:
            with open(path, encoding="utf-8") as f:
                seconds = float(json.load(f).get("offset_seconds", 0))
        except (OSError, ValueError, AttributeError):
            seconds = 0.0
        _offset, _loaded_at = timedelta(seconds=max(0.0, seconds)), mtime


def _write(delta: timedelta) -> None:
    global _offset, _loaded_at
    path = _path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        json.dump({"offset_seconds": delta.total_seconds()}, f)
    os.replace(temporary, path)
    with _lock:
        _offset, _loaded_at = delta, os.stat(path).st_mtime


def set_to(target: datetime, *, actor=None) -> timedelta:
    """Move the demo clock so that now is ``target`` (aware). Only forward of the clock as it stands
    (events already recorded must not lie in the future); at most ten years ahead of the real time."""
    if not installed():
        raise ClockError("演示时钟仅在演示环境（DEBUG=true）中可用")
    if timezone.is_naive(target):
        target = timezone.make_aware(target)
    current = now()
    if target < current - timedelta(minutes=1):
        raise ClockError(
            f"演示时钟只能向前拨：当前演示时间为 {timezone.localtime(current):%Y-%m-%d %H:%M}，"
            "已记录的事项不能出现在“未来”；如需回到真实时间，请选择“恢复真实时间”"
        )
    delta = max(target - _real_now(), timedelta(0))
    if delta > timedelta(days=MAX_DAYS):
        raise ClockError("演示时钟最多拨快十年")
    return _moved(delta, actor)


def advance(days: int, *, actor=None) -> timedelta:
    if not 1 <= days <= MAX_DAYS:
        raise ClockError("请填写 1 至 3660 之间的天数")
    return set_to(now() + timedelta(days=days), actor=actor)


def reset(*, actor=None) -> timedelta:
    if not installed():
        raise ClockError("演示时钟仅在演示环境（DEBUG=true）中可用")
    return _moved(timedelta(0), actor)


def _moved(delta: timedelta, actor) -> timedelta:
    from masterstudio.core.events import record_event

    before = _offset
    _write(delta)
    record_event(
        "demo.clock_set",
        actor=actor,
        data={
            "offset_days": round(delta.total_seconds() / 86400, 4),
            "before_days": round(before.total_seconds() / 86400, 4),
            "demo_now": now().isoformat(),
        },
    )
    return delta


def _model_defaults(old, new) -> None:
    from django.apps import apps

    for model in apps.get_models(include_swapped=True):  # auth.User too: its migration reads timezone.now
        for field in model._meta.concrete_fields:
            if field.default is old:
                field.default = new
                field.__dict__.pop("_get_default", None)  # Field caches its default's getter


def install() -> None:
    """Route the platform's now through the demo clock (demo mode only)."""
    if not settings.DEMO_CLOCK:
        raise ClockError("演示时钟仅在演示环境（DEBUG=true）中可用")
    if installed():
        return
    timezone.now = now
    _model_defaults(_real_now, now)


def uninstall() -> None:
    """Back to the real clock (tests)."""
    global _loaded_at
    if not installed():
        return
    timezone.now = _real_now
    _model_defaults(now, _real_now)
    _loaded_at = None


class DemoClockMiddleware:
    """Each request sees the demo date as last set (by this or another process of the demo)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if installed():
            refresh()
        return self.get_response(request)


def context(request) -> dict:
    """The demo banner's values (templates: ``demo_clock``)."""
    if not installed():
        return {}
    return {
        "demo_clock": {
            "now": timezone.localtime(now()),
            "days": _offset.total_seconds() / 86400,
            "moved": _offset > timedelta(0),
        }
    }
