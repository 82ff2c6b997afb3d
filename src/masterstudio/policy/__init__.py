"""The Measures as code: 《北京经济技术开发区技能大师工作室建设管理办法（试行）（征求意见稿）》.

Pure Python; imports nothing from Django. The single entry point for the command line and HTTP is
``run(name, payload, *, params=None, calendar_overrides=None, extra_occupations=None)``.
"""

from .api import QUESTIONS, run
from .errors import PolicyInputError
from .occupations import Catalogue, Occupation, load_catalogue
from .params import ParameterSet
from .params import load as load_parameters

__all__ = [
    "QUESTIONS",
    "Catalogue",
    "Occupation",
    "ParameterSet",
    "PolicyInputError",
    "load_catalogue",
    "load_parameters",
    "run",
]
