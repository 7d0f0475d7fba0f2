"""Campaigns: create from a bank, edit, publish and close; the share page with QR codes."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response
from starlette.routing import NoMatchFound

from app.accounts import service as accounts_service
from app.accounts.dependencies import AdminDep, client_ip
from app.accounts.models import Unit
from app.admin import service
from app.admin.banks_views import download
from app.admin.dependencies import flash
from app.admin.forms import (
    IDENTITY_LABELS,
    KIND_LABELS,
    SCORE_POLICY_LABELS,
    SHOW_ANSWERS_LABELS,
    STATUS_LABELS,
    CampaignForm,
)
from app.banks import editing
from app.banks import service as banks_service
from app.banks.models import Bank
from app.core.config import Settings
from app.core.templating import render
from app.db.session import SessionDep
from app.quiz import campaigns
from app.quiz.exceptions import CampaignInvalid
from app.quiz.models import Campaign, CampaignStatus

router = APIRouter()


@router.get("/campaigns", name="admin:campaigns")
def campaigns_index(request: Request, session: SessionDep, user: AdminDep) -> Response:
    return render(request, "admin/campaigns.html", {
        "user": user, "nav": "campaigns", "campaigns": campaigns.list_campaigns(session),
        "attempts": campaigns.attempt_counts(session), "banks": editing.list_banks(session),
        "status_labels": STATUS_LABELS,
    })


def _form_page(request: Request, session: SessionDep, user: AdminDep, *, bank: Bank, form: CampaignForm,
               campaign: Campaign | None, problems: list[str] | None = None) -> Response:
    return render(request, "admin/campaign_form.html", {
        "user": user, "nav": "campaigns", "bank": bank, "form": form, "campaign": campaign,
        "problems": problems or [], "available": campaigns.available_by_kind(session, bank),
        "kind_labels": KIND_LABELS, "score_labels": SCORE_POLICY_LABELS, "identity_labels": IDENTITY_LABELS,
        "show_labels": SHOW_ANSWERS_LABELS, "units": accounts_service.list_units(session),
        "banks": editing.list_banks(session),
    }, status_code=422 if problems else 200)


def _suggested_rule(available: dict[str, int]) -> dict[str, int]:
    wanted = {"single_choice": 10, "multiple_choice": 5, "true_false": 5, "fill_blank": 0}
    return {kind: min(n, available.get(kind, 0)) for kind, n in wanted.items()}


@router.get("/campaigns/new", name="admin:campaign_new")
def campaign_new(request: Request, session: SessionDep, user: AdminDep, bank_id: int = 0) -> Response:
    banks = editing.list_banks(session)
    if not banks:
        flash(request, "请先上传报告生成题库，或导入一个题库，再创建答题活动。", "warn")
        return RedirectResponse(request.url_for("admin:banks"), status_code=303)
    bank = banks_service.get_bank(session, bank_id) if bank_id else banks[0]
    form = CampaignForm(title=f"测一测：{bank.title}知多少",
                        draw_rule=_suggested_rule(campaigns.available_by_kind(session, bank)))
    return _form_page(request, session, user, bank=bank, form=form, campaign=None)


def _values(session: SessionDep, form: CampaignForm) -> tuple[dict[str, Any], list[str]]:
    values, problems = form.values()
    root: Unit | None = None
    if form.root_unit_id:
        root = session.get(Unit, int(form.root_unit_id)) if form.root_unit_id.isdigit() else None
        if root is None:
            problems.append("参加范围中选择的单位不存在。")
    values["root_unit_id"] = root.id if root else None
    return values, problems


@router.post("/campaigns/new", name="admin:campaign_create")
async def campaign_create(request: Request, session: SessionDep, user: AdminDep) -> Response:
    data = await request.form()
    bank_id = str(data.get("bank_id") or "")
    bank = banks_service.get_bank(session, int(bank_id) if bank_id.isdigit() else 0)
    form = CampaignForm.from_form(data)
    values, problems = _values(session, form)
    if not problems:
        root_id = values.pop("root_unit_id")
        try:
            campaign = campaigns.create_campaign(session, bank=bank, created_by=user,
                                                 root_unit=session.get(Unit, root_id) if root_id else None, **values)
        except CampaignInvalid as exc:
            problems = [exc.message]
    if problems:
        return _form_page(request, session, user, bank=bank, form=form, campaign=None, problems=problems)
    accounts_service.audit(session, actor=user, action="campaign_created", target_type="campaign",
                           target_id=campaign.id, detail={"title": campaign.title}, ip=client_ip(request))
    flash(request, "活动已创建（草稿）。检查设置无误后，点击“发布”即可让大家答题。")
    return RedirectResponse(request.url_for("admin:campaign", campaign_id=campaign.id), status_code=303)


@router.get("/campaigns/{campaign_id}", name="admin:campaign")
def campaign_page(request: Request, campaign_id: int, session: SessionDep, user: AdminDep) -> Response:
    campaign = campaigns.get_campaign(session, campaign_id)
    return render(request, "admin/campaign.html", {
        "user": user, "nav": "campaigns", "campaign": campaign, "bank": session.get(Bank, campaign.bank_id),
        "root_unit": session.get(Unit, campaign.root_unit_id) if campaign.root_unit_id else None,
        "attempts": campaigns.attempt_counts(session).get(campaign.id, 0), "link": campaign_link(request, campaign),
        "kind_labels": KIND_LABELS, "score_labels": SCORE_POLICY_LABELS, "identity_labels": IDENTITY_LABELS,
        "show_labels": SHOW_ANSWERS_LABELS, "status_labels": STATUS_LABELS,
    })


@router.get("/campaigns/{campaign_id}/edit", name="admin:campaign_edit")
def campaign_edit(request: Request, campaign_id: int, session: SessionDep, user: AdminDep) -> Response:
    campaign = campaigns.get_campaign(session, campaign_id)
    bank = banks_service.get_bank(session, campaign.bank_id)
    return _form_page(request, session, user, bank=bank, form=CampaignForm.from_campaign(campaign), campaign=campaign)


@router.post("/campaigns/{campaign_id}/edit", name="admin:campaign_update")
async def campaign_update(request: Request, campaign_id: int, session: SessionDep, user: AdminDep) -> Response:
    campaign = campaigns.get_campaign(session, campaign_id)
    bank = banks_service.get_bank(session, campaign.bank_id)
    form = CampaignForm.from_form(await request.form())
    values, problems = _values(session, form)
    changed: list[str] = []
    if not problems:
        try:
            changed = campaigns.update_campaign(session, campaign, **values)
        except CampaignInvalid as exc:
            problems = [exc.message]
    if problems:
        return _form_page(request, session, user, bank=bank, form=form, campaign=campaign, problems=problems)
    accounts_service.audit(session, actor=user, action="campaign_edited", target_type="campaign",
                           target_id=campaign.id, detail={"changed": changed}, ip=client_ip(request))
    note = "已经交卷的答题记录不受影响。" if campaign.status != CampaignStatus.DRAFT else ""
    flash(request, ("设置已保存。" + note) if changed else "没有改动。")
    return RedirectResponse(request.url_for("admin:campaign", campaign_id=campaign.id), status_code=303)


@router.post("/campaigns/{campaign_id}/status", name="admin:campaign_status")
async def campaign_status(request: Request, campaign_id: int, session: SessionDep, user: AdminDep) -> Response:
    campaign = campaigns.get_campaign(session, campaign_id)
    action = str((await request.form()).get("action") or "")
    steps = {"publish": (campaigns.publish_campaign, "campaign_published",
                         "活动已发布，现在可以把链接或二维码发给大家了。"),
             "close": (campaigns.close_campaign, "campaign_closed", "活动已结束，不再接受新的答题。"),
             "reopen": (campaigns.reopen_campaign, "campaign_reopened", "活动已重新开放。")}
    if action not in steps or (action == "publish" and campaign.status != CampaignStatus.DRAFT):
        raise CampaignInvalid("这个活动当前不能进行这项操作，请刷新页面后重试。")
    step, audit_action, message = steps[action]
    step(session, campaign)
    accounts_service.audit(session, actor=user, action=audit_action, target_type="campaign", target_id=campaign.id,
                           ip=client_ip(request))
    flash(request, message)
    target = "admin:campaign_share" if action == "publish" else "admin:campaign"
    return RedirectResponse(request.url_for(target, campaign_id=campaign.id), status_code=303)


def base_url(request: Request) -> str:
    """How employees reach this service: the configured public address, else this request's."""
    settings: Settings = request.app.state.settings
    return (settings.public_url or str(request.base_url)).rstrip("/")


def campaign_link(request: Request, campaign: Campaign, unit: Unit | None = None) -> str:
    """The public link of a campaign, with the unit preset when given (`/c/<slug>?u=<code>`)."""
    # The employee entry is the quiz domain's page; use its named route once it is registered.
    try:
        path = str(request.app.url_path_for("quiz:entry", slug=campaign.slug))
    except NoMatchFound:
        path = f"/c/{campaign.slug}"
    return f"{base_url(request)}{path}" + (f"?u={unit.code}" if unit else "")


def _share_units(session: SessionDep, campaign: Campaign) -> list[Unit]:
    root = session.get(Unit, campaign.root_unit_id) if campaign.root_unit_id else None
    return accounts_service.list_units(session, within=root)


@router.get("/campaigns/{campaign_id}/share", name="admin:campaign_share")
def campaign_share(request: Request, campaign_id: int, session: SessionDep, user: AdminDep) -> Response:
    campaign = campaigns.get_campaign(session, campaign_id)
    units = _share_units(session, campaign)
    return render(request, "admin/campaign_share.html", {
        "user": user, "nav": "campaigns", "campaign": campaign, "link": campaign_link(request, campaign),
        "units": [(u, campaign_link(request, campaign, u)) for u in units], "status_labels": STATUS_LABELS,
    })


@router.get("/campaigns/{campaign_id}/print", name="admin:campaign_print")
def campaign_print(request: Request, campaign_id: int, session: SessionDep, user: AdminDep) -> Response:
    campaign = campaigns.get_campaign(session, campaign_id)
    units = _share_units(session, campaign)
    return render(request, "admin/campaign_print.html", {
        "user": user, "nav": "campaigns", "campaign": campaign, "link": campaign_link(request, campaign),
        "units": [(u, campaign_link(request, campaign, u)) for u in units],
    })


def _qr_target(request: Request, session: SessionDep, campaign: Campaign, u: str) -> tuple[str, str]:
    unit = accounts_service.find_unit_by_code(session, u) if u else None
    name = f"{campaign.title}-{unit.name}" if unit else campaign.title
    return campaign_link(request, campaign, unit), name


@router.get("/campaigns/{campaign_id}/qr.png", name="admin:campaign_qr_png")
def campaign_qr_png(request: Request, campaign_id: int, session: SessionDep, _user: AdminDep, u: str = "",
                    dl: int = 0) -> Response:
    campaign = campaigns.get_campaign(session, campaign_id)
    link, name = _qr_target(request, session, campaign, u)
    content = service.qr_png(link)
    return download(content, f"{name}-二维码.png", "image/png") if dl else Response(content, media_type="image/png")


@router.get("/campaigns/{campaign_id}/qr.svg", name="admin:campaign_qr_svg")
def campaign_qr_svg(request: Request, campaign_id: int, session: SessionDep, _user: AdminDep, u: str = "",
                    dl: int = 0) -> Response:
    campaign = campaigns.get_campaign(session, campaign_id)
    link, name = _qr_target(request, session, campaign, u)
    content = service.qr_svg(link)
    return download(content, f"{name}-二维码.svg", "image/svg+xml") if dl \
        else Response(content, media_type="image/svg+xml")
