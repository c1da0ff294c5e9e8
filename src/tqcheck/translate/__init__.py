"""Translation engines behind one small protocol; see ``registry`` for lookup by name."""

from .base import EngineInfo, Translator, TranslatorBase
from .registry import available_translators, create_translator

__all__ = ["EngineInfo", "Translator", "TranslatorBase", "available_translators", "create_translator"]
