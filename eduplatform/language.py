"""The UI speaks Simplified Chinese unless the person chose English.

Django's LocaleMiddleware also follows the browser's Accept-Language, which would show
English to anyone whose computer happens to be set up in English (common on shared
government PCs). Here only the language switch (the language cookie) changes it.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
