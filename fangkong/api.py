"""REST API v1: token auth (`Authorization: Bearer TOKEN`), OpenAPI schema at /api/v1/openapi.json.

Domain errors map to HTTP here, once: FieldError/ValidationErrors → 400 with field errors,
NotFound → 404, PermissionDenied → 403, Conflict → 409. Malformed input is 400 (not Ninja's default 422).
"""


from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from fangkong.accounts.bearer import BearerToken
from fangkong.accounts.errors import AccountsCode
from fangkong.accounts.views import api_docs_access
from fangkong.core.errors import DomainError, FieldError

api = NinjaAPI(
    title="Fangkong API",
    version="1",
    description="Community epidemic prevention and control. Every response is scoped to the token's user; "
    "ID numbers and phones are masked unless revealed (audited).",
    auth=BearerToken(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs_decorator=api_docs_access,  # a token or a logged-in session, unless FANGKONG_PUBLIC_API_DOCS=1
)


def _fields(errors: list[FieldError]) -> list[dict]:
    return [{"field": e.field, "code": e.code, "message": e.message} for e in errors]


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    """Every refusal, once: field errors → 400 with the fields, the rest by the error's own status."""
    if exc.field_errors:
        return api.create_response(request, {"code": exc.code, "errors": _fields(exc.field_errors)}, status=400)
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=exc.status)


def _field_name(loc) -> str:
    """("body", "body", "kind") → "kind": drop the location and our endpoints' `body` parameter name."""
    parts = [str(p) for p in loc[1:]]
    if loc and loc[0] == "body" and parts[:1] == ["body"]:
        parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def _malformed(request, exc: NinjaValidationError):
    errors = [{"field": _field_name(e.get("loc", [])), "code": e.get("type", "invalid"), "message": e.get("msg", "")}
              for e in exc.errors]
    return api.create_response(request, {"code": "invalid", "errors": errors}, status=400)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    body = {"code": AccountsCode.UNAUTHENTICATED, "message": "A valid Bearer token is required"}
    return api.create_response(request, body, status=401)


from fangkong.accounts.api import router as accounts_router  # noqa: E402
from fangkong.dashboard.api import router as dashboard_router  # noqa: E402
from fangkong.gates.api import router as gates_router  # noqa: E402
from fangkong.helpdesk.api import router as helpdesk_router  # noqa: E402
from fangkong.ledgers.api import router as ledgers_router  # noqa: E402
from fangkong.meetings.api import router as meetings_router  # noqa: E402
from fangkong.notices.api import router as notices_router  # noqa: E402
from fangkong.observation.api import router as observation_router  # noqa: E402
from fangkong.passes.api import router as passes_router  # noqa: E402
from fangkong.policy.api import router as policy_router  # noqa: E402
from fangkong.registry.api import router as registry_router  # noqa: E402
from fangkong.reports.api import router as reports_router  # noqa: E402
from fangkong.sanitation.api import router as sanitation_router  # noqa: E402
from fangkong.screening.api import router as screening_router  # noqa: E402
from fangkong.shops.api import router as shops_router  # noqa: E402
from fangkong.supplies.api import router as supplies_router  # noqa: E402
from fangkong.verification.api import router as verification_router  # noqa: E402
from fangkong.volunteers.api import router as volunteers_router  # noqa: E402
from fangkong.workgroup.api import router as workgroup_router  # noqa: E402

api.add_router("", accounts_router)
api.add_router("", registry_router)
api.add_router("", policy_router)
api.add_router("", workgroup_router)
api.add_router("", gates_router)
api.add_router("", passes_router)
api.add_router("", screening_router)
api.add_router("", observation_router)
api.add_router("", verification_router)
api.add_router("", reports_router)
api.add_router("", ledgers_router)
api.add_router("", meetings_router)
api.add_router("", dashboard_router)
api.add_router("", supplies_router)
api.add_router("", helpdesk_router)
api.add_router("", shops_router)
api.add_router("", volunteers_router)
api.add_router("", notices_router)
api.add_router("", sanitation_router)
