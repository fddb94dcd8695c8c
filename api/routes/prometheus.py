"""GET /metrics: Prometheus text exposition of the app's own metrics and its Temporal client's.

Open when HOTLINE_METRICS_TOKEN is unset (serve it on an internal network, or block the path at the
ingress); when set, the scraper must send `Authorization: Bearer <token>`.
"""

import hmac

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import SettingsDep
from api.observability import AppMetrics
from hotline.errors import Unauthorized

router = APIRouter(tags=["observability"])


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(request: Request, settings: SettingsDep) -> Response:
    _check_token(request, settings.metrics_token.get_secret_value() if settings.metrics_token else None)
    metrics: AppMetrics = request.app.state.metrics
    return Response(await metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


def _check_token(request: Request, expected: str | None) -> None:
    if not expected:
        return
    scheme, _, sent = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(sent.strip().encode(), expected.encode()):
        raise Unauthorized(
            "metrics_token_required",
            "Reading /metrics needs 'Authorization: Bearer <token>' with the HOTLINE_METRICS_TOKEN value.",
        )
