"""The API's JSON parser: a body is a JSON *object* of bounded nesting, or a clear 400.

DRF's own parser accepts any JSON value, so:
- a list or a scalar where every endpoint expects an object reached views that call
  ``request.data.get`` (AttributeError, a 500);
- ``[[[[…]]]]`` a few thousand levels deep made ``json`` raise ``RecursionError`` (a 500), and
  a few hundred levels would parse but then exhaust the stack in serializers or the audit log.
Every endpoint of Enlace takes an object (bulk endpoints would declare their own parser).
No body (JSON, form or multipart) may carry a NUL character: PostgreSQL stores none in text or
JSON columns, so one reaching a save or a lookup was a 500 there.
"""

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json  # DRF's wrapper: strict_constant refuses NaN/Infinity


class InvalidBody(ParseError):
    """A body Enlace refuses; its (translated) detail is the message the client gets."""


# Deep enough for any real payload (FtM entities nest 3–4 levels), far below the stack limit.
MAX_DEPTH = 32


def _refuse_nul(text: str):
    if "\x00" in text:
        raise InvalidBody(_("El cuerpo contiene un carácter nulo (U+0000), que no se admite en ningún texto."))


def _check(value, limit: int) -> None:
    """Iterative walk (no recursion of our own): refuses nesting past ``limit`` and NUL characters
    in keys or strings (PostgreSQL stores neither in text nor in JSON, so they failed as 500s)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _refuse_nul(node)
            continue
        if isinstance(node, dict):
            for key in node:
                _refuse_nul(key)
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            raise InvalidBody(_("El cuerpo JSON tiene demasiados niveles de anidamiento (máximo %(n)s).") % {"n": limit})
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list, str)))


def _check_form(data) -> None:
    for key, values in data.lists():
        _refuse_nul(key)
        for value in values:
            if isinstance(value, str):
                _refuse_nul(value)


class JSONParser(parsers.JSONParser):
    """``application/json`` bodies: one JSON object, at most ``MAX_DEPTH`` levels deep."""

    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            decoded = codecs.getreader(encoding)(stream)
            parse_constant = json.strict_constant if self.strict else None
            data = json.load(decoded, parse_constant=parse_constant)
        except RecursionError:
            # The C decoder gives up around the interpreter's recursion limit: far too deep anyway.
            raise InvalidBody(self._too_deep()) from None
        except ValueError as exc:  # also UnicodeDecodeError and ints longer than 4300 digits
            raise InvalidBody(_("El cuerpo de la solicitud no es JSON válido: %(error)s") % {"error": str(exc)[:200]}) from None
        if not isinstance(data, dict):
            raise InvalidBody(_("El cuerpo de la solicitud debe ser un objeto JSON ({…}), no una lista ni un valor suelto."))
        _check(data, self.max_depth)
        return data

    def _too_deep(self):
        return _("El cuerpo JSON tiene demasiados niveles de anidamiento (máximo %(n)s).") % {"n": self.max_depth}


class FormParser(parsers.FormParser):
    """``application/x-www-form-urlencoded`` bodies without NUL characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """``multipart/form-data`` bodies without NUL characters in their fields (files are bytes)."""

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _check_form(result.data)
        return result
