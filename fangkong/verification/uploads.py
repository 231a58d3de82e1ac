"""An uploaded list on disk for the length of the request: the readers go by the suffix, which is kept (and
nothing else of the name); the file holds personal data and is deleted as soon as it is read."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import Code, FieldError
from fangkong.registry.errors import RegistryCode
from fangkong.verification.reading import SUFFIXES, UNSUPPORTED_TYPE_MESSAGE

MAX_BYTES = 30 * 1024 * 1024


def check_upload(upload) -> None:
    if not (upload.name or "").lower().endswith(SUFFIXES):
        raise FieldError("file", RegistryCode.UNSUPPORTED_TYPE, str(UNSUPPORTED_TYPE_MESSAGE))
    if upload.size > MAX_BYTES:
        raise FieldError("file", Code.TOO_LARGE, _("A file is at most 30 MB"))


@contextmanager
def stored(upload) -> Iterator[Path]:
    check_upload(upload)
    with tempfile.TemporaryDirectory(prefix="fangkong-verif-") as folder:
        path = Path(folder) / f"list{Path(upload.name).suffix.lower()}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path
