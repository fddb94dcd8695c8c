"""What every page shares: one Jinja environment per language, the logged-in user, rendering with the
CSRF token, redirects that carry a notice, and the error page.

Routes stay thin: they parse the form, call the same service as the API, and render or redirect.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.deps import SessionDep, bearer_token
from api.observability import log_context_of
from hotline import auth
from hotline.enums import Role
from hotline.errors import DomainError, Forbidden
from hotline.settings import Settings
from web import csrf, forms, i18n, labels, messages, nav

TEMPLATES = Path(__file__).parent / "templates"


class LoginRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the login page."""


def build_templates(settings: Settings) -> dict[str, Jinja2Templates]:
    """A Jinja environment per language, each with its catalogue and formats installed."""
    return _templates_for(settings.timezone)


@functools.cache
def _templates_for(timezone: str) -> dict[str, Jinja2Templates]:
    """Built once per process and time zone, not once per app: compiling the catalogue and parsing each
    template the first time it is shown cost more than most pages' requests (tests build an app each)."""
    by_locale = {}
    for locale in i18n.LOCALES:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=jinja2.select_autoescape(["html"]),
            extensions=["jinja2.ext.i18n"],
            undefined=jinja2.StrictUndefined,
        )
        translations = i18n.translations(locale)
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
        env.translations = translations  # type: ignore[attr-defined]
        formats = i18n.Formats(locale=locale, timezone=timezone)
        env.filters.update(
            dt=formats.datetime,
            date=formats.date,
            num=formats.number,
            pct=formats.percent,
            duration=formats.duration,
            label=_label_filter(translations.gettext),
            page_query=_page_query,
        )
        env.globals.update(
            locale=locale,
            html_lang=i18n.html_lang(locale),
            locales=i18n.LOCALES,
            labels=labels,
            new_key=forms.new_key,
        )
        by_locale[locale] = Jinja2Templates(env=env)
    return by_locale


def _label_filter(gettext: Callable[[str], str]) -> Callable[[object, str], str]:
    def label(code: object, kind: str) -> str:
        """A code (status, channel, role …) as its translated name; unknown codes show as they are."""
        if code is None:
            return "—"
        english = labels.KINDS[kind].get(str(code))
        return gettext(english) if english else str(code)

    return label


def _page_query(query: dict[str, Any], page: int) -> str:
    """The current search with another page number."""
    return urlencode({**query, "page": page}, doseq=True)


def locale_of(request: Request) -> str:
    locale: str | None = getattr(request.state, "locale", None)
    if locale is None:
        locale = request.state.locale = i18n.negotiate(request)
    return locale


def gettext_for(request: Request) -> Callable[[str], str]:
    """Translate a string in Python code (notices, error messages) into the page's language."""
    templates: Jinja2Templates = request.app.state.templates[locale_of(request)]
    translations: gettext.NullTranslations = templates.env.translations  # type: ignore[attr-defined]
    return translations.gettext


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates[locale_of(request)]
    user: auth.Principal | None = context.setdefault("user", getattr(request.state, "user", None))
    context.setdefault("errors", {})
    context.setdefault("notice", _notice(request))
    context["csrf_token"] = csrf.token_for(request)
    context["nav"] = nav.links_for(user)
    context["here"] = request.url.path
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    csrf.remember(request, response, secure=request.app.state.settings.environment == "production")
    if request.query_params.get("lang") in i18n.LOCALES:
        response.set_cookie(i18n.LANG_COOKIE, request.query_params["lang"], samesite="lax", max_age=31536000)
    return response


def _notice(request: Request) -> str | None:
    """A redirect after a successful form says what happened with ?done=<code>."""
    code = request.query_params.get("done")
    english = messages.NOTICES.get(code or "")
    return gettext_for(request)(english) if english else None


def redirect(path: str, done: str | None = None, **params: str) -> RedirectResponse:
    """Post/redirect/get: the next page shows the notice for `done`."""
    query = {**params, **({"done": done} if done else {})}
    return RedirectResponse(f"{path}?{urlencode(query)}" if query else path, status_code=303)


def error_page(request: Request, error: DomainError) -> HTMLResponse:
    message = messages.for_error(error, gettext_for(request), english=locale_of(request) == "en")
    # The request's id, which its log lines carry: what a user quotes to the help desk.
    context = log_context_of(request)
    reference = context.request_id if context is not None else None
    return render(
        request,
        "error.html",
        status_code=error.status_code,
        error=error,
        message=message,
        reference=reference,
    )


async def _page_user(request: Request, session: SessionDep) -> auth.Principal:
    token = bearer_token(request)
    principal = await auth.principal_for_token(session=session, token=token) if token else None
    if principal is None:
        raise LoginRequired
    request.state.user = principal
    return principal


PageUser = Annotated[auth.Principal, Depends(_page_user)]


def page_allow(*roles: Role) -> Any:
    """A page for these roles only; others get the error page (403), anonymous users the login page."""

    async def check(user: PageUser) -> auth.Principal:
        if user.role not in roles:
            raise Forbidden("role_not_allowed", "Your role cannot open this page.")
        return user

    check.roles = frozenset(roles)  # type: ignore[attr-defined]
    return Depends(check)


async def optional_user(request: Request, session: SessionDep) -> auth.Principal | None:
    """Public pages show the staff's name in the header when they happen to be logged in."""
    token = bearer_token(request)
    principal = await auth.principal_for_token(session=session, token=token) if token else None
    request.state.user = principal
    return principal


MaybeUser = Annotated[auth.Principal | None, Depends(optional_user)]
