"""The three ways of answering, behind one interface (`Answerer.stream`)."""

from assistant.modes.answer import AnswerMode
from assistant.modes.base import Answerer, ArticleParts, Request
from assistant.modes.check import CheckMode
from assistant.modes.summary import SummaryMode

__all__ = ["AnswerMode", "Answerer", "ArticleParts", "CheckMode", "Request", "SummaryMode"]
